"""Change of shrunk scores between two periods (method 2.0.0, §M2.8).

Movement compares posterior means (scores), not raw rates: an agency flagged
after a bad month has already been pulled toward its group, so a "recovery"
that is only regression to the mean is not reported (Jones & Spiegelhalter
2009, "Identifying poorly performing hospitals"). The two posteriors are
treated as independent; z = difference / sqrt(sd_now^2 + sd_prev^2), the
posterior SDs including the uncertainty of the group's own level. (Using the
sampling SD of a shrunk score instead is sharper for one agency, but every
agency's score moves with its group's estimated mean, so in a group whose
agencies do not differ a small move of that mean was "significant" for
everyone at once: 90% false alarms in 12 months in the calibration.) Across the
agencies of a group, calls are controlled with Benjamini & Hochberg's (1995)
false-discovery rate, and only agencies with at least `min_n` answers in both
periods are tested at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


def benjamini_hochberg(p: ArrayLike, q: float) -> tuple[np.ndarray, np.ndarray]:
    """BH step-up: adjusted p-values (NaN stays NaN) and the rejections at FDR q."""
    p_arr = np.asarray(p, dtype=float)
    adjusted = np.full(p_arr.shape, np.nan)
    valid = np.flatnonzero(np.isfinite(p_arr))
    if valid.size:
        order = valid[np.argsort(p_arr[valid], kind="stable")]
        m = order.size
        raw = p_arr[order] * m / np.arange(1, m + 1)
        adjusted[order] = np.minimum(np.minimum.accumulate(raw[::-1])[::-1], 1.0)
    with np.errstate(invalid="ignore"):
        return adjusted, np.isfinite(adjusted) & (adjusted <= q)


def score_movement(
    score_now: ArrayLike,
    sd_now: ArrayLike,
    n_now: ArrayLike,
    score_prev: ArrayLike,
    sd_prev: ArrayLike,
    n_prev: ArrayLike,
    *,
    q: float = 0.05,
    min_n: int = 30,
    level: float = 0.95,
    delta: float = 0.10,
) -> dict[str, Any]:
    """Per-agency change of score (now - previous), with FDR-controlled calls and power.

    Inputs per agency and period: `score` and `score_sd` of a method 2 table (or,
    for a method 1 previous period, the Beta posterior mean and SD from
    alpha_post, beta_post) and the number of answers. Returns arrays:
    diff, diff_low, diff_high (`level` interval), z, p, p_adjusted (BH),
    tested (both periods have >= min_n answers), significant (tested and BH
    rejects at q), power (chance a true change of `delta` is seen at the
    unadjusted two-sided 1 - level test, normal approximation), and the
    parameters used.
    """
    arrays = [
        np.atleast_1d(np.asarray(v, dtype=float)) for v in (score_now, sd_now, n_now, score_prev, sd_prev, n_prev)
    ]
    s_now, v_now, c_now, s_prev, v_prev, c_prev = np.broadcast_arrays(*arrays)
    if not 0.0 < level < 1.0 or not 0.0 < q < 1.0:
        raise ValueError("level and q must be in (0, 1)")
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(s_now) & np.isfinite(s_prev) & (v_now > 0) & (v_prev > 0)
        tested = valid & (c_now >= min_n) & (c_prev >= min_n)
    se = np.where(valid, np.sqrt(np.where(valid, v_now**2 + v_prev**2, 1.0)), np.nan)
    diff = np.where(valid, s_now - s_prev, np.nan)
    z_crit = stats.norm.isf((1.0 - level) / 2.0)
    z = diff / se
    p = np.where(tested, 2.0 * stats.norm.sf(np.abs(z)), np.nan)
    p_adjusted, significant = benjamini_hochberg(p, q)
    power = np.where(valid, stats.norm.sf(z_crit - delta / se) + stats.norm.cdf(-z_crit - delta / se), np.nan)
    return {
        "diff": diff,
        "diff_low": diff - z_crit * se,
        "diff_high": diff + z_crit * se,
        "z": z,
        "p": p,
        "p_adjusted": p_adjusted,
        "tested": tested,
        "significant": significant,
        "power": power,
        "q": q,
        "min_n": min_n,
        "level": level,
        "delta": delta,
    }
