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
    summed in log space: a few logarithms per cell instead of log-gamma series.
    """
    k = np.arange(int(size.max()), dtype=float)[None, :]
    n_col, m_col = size[:, None], mean[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.isfinite(strength):
            a, b = m_col * strength, (1.0 - m_col) * strength
            step = np.log(n_col - k) + np.log(k + a) - np.log(k + 1.0) - np.log(n_col - k - 1.0 + b)
        else:
            step = np.log(n_col - k) - np.log(k + 1.0) + (np.log(m_col) - np.log1p(-m_col))
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
    log_half = np.log(0.5)
    for rows in _chunks(order, n_arr):
        size = n_arr[rows]
        k = np.arange(int(size.max()) + 1, dtype=float)[None, :]
        logp = _padded_logpmf(size, e_arr[rows], strength)
        logp -= special.logsumexp(logp, axis=1, keepdims=True)
        pad = np.full((rows.size, 1), -np.inf)
        below = np.concatenate([pad, np.logaddexp.accumulate(logp, axis=1)[:, :-1]], axis=1)
        above = np.concatenate([np.logaddexp.accumulate(logp[:, ::-1], axis=1)[:, ::-1][:, 1:], pad], axis=1)
        lower = np.logaddexp(below, logp + log_half)
        upper = np.logaddexp(above, logp + log_half)
        obs = x_arr[rows].astype(np.intp)[:, None]
        log_low[rows] = np.take_along_axis(lower, obs, axis=1)[:, 0]
        log_high[rows] = np.take_along_axis(upper, obs, axis=1)[:, 0]
        inside = k <= size[:, None]
        for t, (lim_low, lim_high) in limits.items():
            ok_low = inside & (lower >= np.log(t))
            ok_high = inside & (upper >= np.log(t))
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
