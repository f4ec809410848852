"""Beta-binomial predictive tails and funnel limits (method 2.0.0, §M2.4).

An agency with n answers and expected rate e is compared with the
beta-binomial predictive distribution of its count, x ~ BetaBinomial(n, eM,
(1 - e)M): binomial noise plus the peer group's real between-agency spread
(prior strength M; M = inf is the plain binomial funnel). Tail areas are
mid-p (Lancaster 1961; Agresti & Gottard 2007), summed exactly from the
probability mass function in log space, so small n needs no normal approximation
and far outliers keep finite z.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ranking.bayes import _log_rising

# Agencies are processed in chunks of at most this many (agency x count) cells.
_CHUNK_CELLS = 2_000_000


def betabinom_logpmf(k: ArrayLike, n: ArrayLike, mean: ArrayLike, strength: float) -> np.ndarray:
    """log P(X = k) for X ~ BetaBinomial(n, mean*M, (1-mean)*M); binomial if M is inf.

    Broadcasts k, n and mean; -inf where k > n. Uses log rising factorials
    (accurate for large M, unlike a difference of log-beta functions).
    """
    k_arr, n_arr, m_arr = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (k, n, mean)))
    inside = k_arr <= n_arr
    k_in = np.where(inside, k_arr, 0.0)
    log_choose = special.gammaln(n_arr + 1) - special.gammaln(k_in + 1) - special.gammaln(n_arr - k_in + 1)
    if not np.isfinite(strength):
        out = log_choose + special.xlogy(k_in, m_arr) + special.xlog1py(n_arr - k_in, -m_arr)
    else:
        a, b = m_arr * strength, (1.0 - m_arr) * strength
        out = log_choose + _log_rising(a, k_in) + _log_rising(b, n_arr - k_in) - _log_rising(strength, n_arr)
    return np.where(inside, out, -np.inf)


def _padded_logpmf(size: np.ndarray, mean: np.ndarray, strength: float) -> np.ndarray:
    """Rows of log P(X = k), k = 0..max(size), -inf beyond each row's n.

    P(X = 0) comes from `betabinom_logpmf`; the rest from the ratio
    P(k+1)/P(k) = (n - k)(k + a) / ((k + 1)(n - k - 1 + b)) (binomial: (n - k)p / ((k + 1)(1 - p))),
    summed in log space: one logarithm per cell instead of log-gamma series.
    """
    k = np.arange(int(size.max()), dtype=float)[None, :]
    n_col, m_col = size[:, None], mean[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.isfinite(strength):
            a, b = m_col * strength, (1.0 - m_col) * strength
            # One logarithm of the ratio per cell rather than four (the products stay far
            # below overflow: n <= 1e5 answers, a + b = M <= 1e6).
            step = np.log(((n_col - k) * (k + a)) / ((k + 1.0) * (n_col - k - 1.0 + b)))
        else:
            step = np.log((n_col - k) / (k + 1.0)) + (np.log(m_col) - np.log1p(-m_col))
    step = np.where(k < n_col, step, -np.inf)
    first = betabinom_logpmf(0.0, size, mean, strength)[:, None]
    return np.concatenate([first, first + np.cumsum(step, axis=1)], axis=1)


def _chunks(order: np.ndarray, n: np.ndarray) -> list[np.ndarray]:
    """Split agencies (sorted by n) into chunks whose padding wastes at most half the cells."""
    chunks, start = [], 0
    while start < order.size:
        stop, used = start + 1, n[order[start]] + 1
        while stop < order.size:
            width = n[order[stop]] + 1
            cells = (stop + 1 - start) * width
            if cells > max(2.0 * (used + width), 4096) or cells > _CHUNK_CELLS:
                break
            used += width
            stop += 1
        chunks.append(order[start:stop])
        start = stop
    return chunks


# A tail below this (relative to the row's mode) is summed in log space instead: far
# outliers keep a finite z however far out they are.
_LINEAR_FLOOR = 1e-250


def _log_space_tails(logp: np.ndarray, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log mid-p tails at ``obs`` from rows of log P(X = k), summed in log space (any magnitude)."""
    logp = logp - special.logsumexp(logp, axis=1, keepdims=True)
    pad = np.full((logp.shape[0], 1), -np.inf)
    below = np.concatenate([pad, np.logaddexp.accumulate(logp, axis=1)[:, :-1]], axis=1)
    above = np.concatenate([np.logaddexp.accumulate(logp[:, ::-1], axis=1)[:, ::-1][:, 1:], pad], axis=1)
    at = np.take_along_axis(logp, obs, axis=1)[:, 0] + np.log(0.5)
    low = np.logaddexp(np.take_along_axis(below, obs, axis=1)[:, 0], at)
    high = np.logaddexp(np.take_along_axis(above, obs, axis=1)[:, 0], at)
    return low, high


def mid_p_tails(
    x: ArrayLike, n: ArrayLike, expected: ArrayLike, strength: float, levels: tuple[float, ...] = ()
) -> tuple[np.ndarray, np.ndarray, dict[float, tuple[np.ndarray, np.ndarray]]]:
    """Log mid-p tails of each observed count, and limits at each tail area in `levels`.

    lower = log(P(X < x) + P(X = x)/2), upper = log(P(X > x) + P(X = x)/2) under the
    agency's own predictive; NaN where n == 0 or the expected rate is NaN. For a
    tail area t, the limits are the lowest and highest rate k/n whose two mid-p
    tails both stay >= t: they come from the same numbers as the observed tails,
    so an agency lies outside them exactly when one of its tails is below t.
    """
    x_arr = np.atleast_1d(np.asarray(x, dtype=float))
    n_arr = np.atleast_1d(np.asarray(n, dtype=float))
    e_arr = np.atleast_1d(np.asarray(expected, dtype=float))
    log_low = np.full(x_arr.shape, np.nan)
    log_high = np.full(x_arr.shape, np.nan)
    limits = {t: (np.full(x_arr.shape, np.nan), np.full(x_arr.shape, np.nan)) for t in levels}
    valid = np.flatnonzero((n_arr > 0) & np.isfinite(e_arr))
    order = valid[np.argsort(n_arr[valid], kind="stable")]
    for rows in _chunks(order, n_arr):
        size = n_arr[rows]
        k = np.arange(int(size.max()) + 1, dtype=float)[None, :]
        logp = _padded_logpmf(size, e_arr[rows], strength)
        # The sums run on probabilities scaled so each row's mode is 1: one exp per cell and
        # two cumulative sums, instead of log-space accumulation (exp and log1p per cell,
        # three times). Sums of positive terms only, never 1 - F, so a small tail keeps its
        # relative precision; a tail beyond the floating-point range falls back to log space.
        mass = np.exp(logp - logp.max(axis=1, keepdims=True))
        total = mass.sum(axis=1)
        zero = np.zeros((rows.size, 1))
        below = np.concatenate([zero, np.cumsum(mass, axis=1)[:, :-1]], axis=1)
        above = np.concatenate([np.cumsum(mass[:, ::-1], axis=1)[:, ::-1][:, 1:], zero], axis=1)
        lower = below + 0.5 * mass
        upper = above + 0.5 * mass
        obs = x_arr[rows].astype(np.intp)[:, None]
        low_obs = np.take_along_axis(lower, obs, axis=1)[:, 0]
        high_obs = np.take_along_axis(upper, obs, axis=1)[:, 0]
        with np.errstate(divide="ignore"):
            log_low[rows] = np.log(low_obs) - np.log(total)
            log_high[rows] = np.log(high_obs) - np.log(total)
        far = np.flatnonzero((low_obs < _LINEAR_FLOOR) | (high_obs < _LINEAR_FLOOR))
        if far.size:
            log_low[rows[far]], log_high[rows[far]] = _log_space_tails(logp[far], obs[far])
        inside = k <= size[:, None]
        for t, (lim_low, lim_high) in limits.items():
            ok_low = inside & (lower >= t * total[:, None])
            ok_high = inside & (upper >= t * total[:, None])
            first = np.argmax(ok_low, axis=1).astype(float)
            last = (k.size - 1 - np.argmax(ok_high[:, ::-1], axis=1)).astype(float)
            lim_low[rows] = np.where(ok_low.any(axis=1), first / size, np.nan)
            lim_high[rows] = np.where(ok_high.any(axis=1), last / size, np.nan)
    return log_low, log_high, limits


def z_from_tails(log_low: np.ndarray, log_high: np.ndarray) -> np.ndarray:
    """Normal deviate with the same one-sided mid-p tail: positive means above expected."""
    with np.errstate(invalid="ignore"):
        below = log_low < log_high
        z_low = special.ndtri_exp(np.where(below, log_low, -1.0))
        z_high = -special.ndtri_exp(np.where(below, -1.0, log_high))
    return np.where(np.isfinite(log_low), np.where(below, z_low, z_high), np.nan)


def funnel_curve(n_grid: ArrayLike, expected: float, strength: float, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Method 2 funnel limits for a grid of sizes (for charts): lowest and highest rate inside.

    Same rule as the bands: a rate k/n is inside when both its mid-p tails under
    BetaBinomial(n, eM, (1 - e)M) are >= `tail` (e.g. 0.025 for 95%, 0.001 for 99.8%).
    For a group without case mix use e = the group's centre (the `expected` of a
    typical agency) and M = the table's `band_strength`.
    """
    n_arr = np.atleast_1d(np.asarray(n_grid, dtype=float))
    _, _, limits = mid_p_tails(np.zeros(n_arr.size), n_arr, np.full(n_arr.size, expected), strength, (tail,))
    return limits[tail]
