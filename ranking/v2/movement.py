"""Change of shrunk scores between two periods (method 2.0.0, §M2.8).

Movement compares posterior means (scores), not raw rates: an agency flagged
after a bad month has already been pulled toward its group, so a "recovery"
that is only regression to the mean is not reported as a large change (Jones &
Spiegelhalter 2009, "Identifying poorly performing hospitals"). The test uses the
sampling SD of each shrunk score when the true rate does not change: a score
that moves w = n/(n + M) of the way from the group to the data has sampling
variance w * sd^2, where sd is its posterior SD and w = n sd^2 / (s (1 - s)) can be
read back from the stored score s, sd and n. Across the agencies of a group,
calls are controlled with Benjamini & Hochberg's (1995) false-discovery rate,
and only agencies with at least `min_n` answers in both periods are tested.
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


def shrinkage_weight(score: np.ndarray, sd: np.ndarray, n: np.ndarray) -> np.ndarray:
    """How far a score moved from its group toward its own data: w = min(1, n sd^2 / (s(1 - s))).

    From a Beta posterior's variance s(1 - s)/(n + M + 1) ~ sd^2, so n/(n + M) ~ n sd^2 / (s(1 - s)).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.clip(n * sd**2 / (score * (1.0 - score)), 0.0, 1.0)
    return np.where(np.isfinite(weight), weight, 1.0)


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
    diff, diff_low, diff_high (`level` interval of the change of shrunk scores),
    z, p, p_adjusted (BH),
    tested (both periods have >= min_n answers), significant (tested and BH
    rejects at q), power (chance a true change of `delta` is seen at the
    unadjusted two-sided 1 - level test, normal approximation), and the
    parameters used. The SE is the sampling SD of the change of shrunk scores
    under no true change, sqrt(w_now sd_now^2 + w_prev sd_prev^2) (`shrinkage_weight`).
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
    w_now, w_prev = shrinkage_weight(s_now, v_now, c_now), shrinkage_weight(s_prev, v_prev, c_prev)
    se = np.where(valid, np.sqrt(np.where(valid, w_now * v_now**2 + w_prev * v_prev**2, 1.0)), np.nan)
    # A true change delta moves the shrunk score by about w delta.
    shift = delta * 0.5 * (w_now + w_prev)
    diff = np.where(valid, s_now - s_prev, np.nan)
    z_crit = stats.norm.isf((1.0 - level) / 2.0)
    z = diff / se
    p = np.where(tested, 2.0 * stats.norm.sf(np.abs(z)), np.nan)
    p_adjusted, significant = benjamini_hochberg(p, q)
    power = np.where(valid, stats.norm.sf(z_crit - shift / se) + stats.norm.cdf(-z_crit - shift / se), np.nan)
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
