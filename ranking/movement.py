"""Change of score between two periods (METHODOLOGY §9)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps


def _beta_moments(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = a + b
    return a / total, a * b / (total**2 * (total + 1.0))


def score_movement(
    alpha_now: ArrayLike,
    beta_now: ArrayLike,
    alpha_prev: ArrayLike,
    beta_prev: ArrayLike,
    level: float = 0.95,
    draws: int = 4000,
    seed: int = 0,
    *,
    method: Literal["normal", "monte-carlo"] = "normal",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Difference of posterior means (now - previous) with a `level` interval.

    The two Beta posteriors are independent. method="normal" (default,
    deterministic) uses diff +/- z sqrt(var_now + var_prev) from the Beta
    variances; "monte-carlo" takes equal-tailed quantiles of `draws` simulated
    differences from numpy default_rng(seed). `significant` marks intervals
    excluding 0; NaN (and not significant) where either posterior is missing.
    """
    arrays = [np.atleast_1d(np.asarray(v, dtype=float)) for v in (alpha_now, beta_now, alpha_prev, beta_prev)]
    a_now, b_now, a_prev, b_prev = np.broadcast_arrays(*arrays)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if method not in ("normal", "monte-carlo"):
        raise ValueError(f"method must be 'normal' or 'monte-carlo', got {method!r}")
    with np.errstate(invalid="ignore"):
        valid = np.ones(a_now.shape, dtype=bool)
        for v in (a_now, b_now, a_prev, b_prev):
            valid &= np.isfinite(v) & (v > 0)

    diff = np.full(a_now.shape, np.nan)
    low = np.full(a_now.shape, np.nan)
    high = np.full(a_now.shape, np.nan)
    mean_now, var_now = _beta_moments(a_now[valid], b_now[valid])
    mean_prev, var_prev = _beta_moments(a_prev[valid], b_prev[valid])
    diff[valid] = mean_now - mean_prev
    tail = (1.0 - level) / 2.0

    if method == "normal":
        half = sps.norm.ppf(1.0 - tail) * np.sqrt(var_now + var_prev)
        low[valid] = diff[valid] - half
        high[valid] = diff[valid] + half
    elif valid.any():
        if draws < 1:
            raise ValueError(f"draws must be at least 1, got {draws}")
        rng = np.random.default_rng(seed)
        shape = (draws, int(valid.sum()))
        sample = rng.beta(a_now[valid], b_now[valid], size=shape) - rng.beta(a_prev[valid], b_prev[valid], size=shape)
        low[valid], high[valid] = np.quantile(sample, [tail, 1.0 - tail], axis=0)

    significant = valid & ((low > 0) | (high < 0))
    return diff, low, high, significant
