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

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ranking.bayes import _log_rising

# Agencies are processed in chunks of at most this many (agency x count) cells: about a
# megabyte an array, so the dozen passes over a chunk mostly hit the CPU's cache.
_CHUNK_CELLS = 131_072
# Tables with more cells than this spread their chunks over up to _WORKERS threads.
_THREADED_CELLS = 1_000_000
_WORKERS = min(4, os.cpu_count() or 1)


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


def _padded_logpmf(size: np.ndarray, mean: np.ndarray, strength: float, last: np.ndarray) -> np.ndarray:
    """Rows of log P(X = k), k = 0..max(last), -inf beyond each row's `last` (<= n).

    P(X = 0) comes from `betabinom_logpmf`; the rest from the ratio
    P(k+1)/P(k) = (n - k)(k + a) / ((k + 1)(n - k - 1 + b)) (binomial: (n - k)p / ((k + 1)(1 - p))),
    summed in log space: one logarithm per cell instead of log-gamma series. The steps are
    computed in place in the result (memory traffic, not arithmetic, is the cost here).
    """
    width = int(last.max())
    k = np.arange(width, dtype=float)
    n_col, m_col = size[:, None], mean[:, None]
    logp = np.empty((size.size, width + 1))
    step = logp[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        np.subtract(n_col, k, out=step)
        if np.isfinite(strength):
            a, b = m_col * strength, (1.0 - m_col) * strength
            # One logarithm of the ratio per cell rather than four (the products stay far
            # below overflow: n <= 1e5 answers, a + b = M <= 1e6).
            step *= k + a
            below = (n_col - 1.0 + b) - k
            below *= k + 1.0
            step /= below
            np.log(step, out=step)
        else:
            step /= k + 1.0
            np.log(step, out=step)
            step += np.log(m_col) - np.log1p(-m_col)
    step[k >= last[:, None]] = -np.inf
    first = betabinom_logpmf(0.0, size, mean, strength)[:, None]
    logp[:, :1] = first
    np.cumsum(step, axis=1, out=step)
    step += first
    return logp


# Counts whose probability is below exp(-_NEGLIGIBLE) of both the centre's and the
# observed count's are left out: with at most 1e6 of them their sum is below 1e-20 of
# either, so no tail, total or limit changes in double precision.
_NEGLIGIBLE = 60.0
# How far past the mean the window's end is tried, in predictive standard deviations.
_WINDOW_SDS = (8.0, 12.0, 20.0, 40.0)


def _window_ends(x: np.ndarray, n: np.ndarray, mean: np.ndarray, strength: float) -> np.ndarray:
    """Highest count each row needs, for means <= 1/2: n, or where the upper tail stops mattering.

    Beyond the mean the probabilities of a log-concave predictive (a, b >= 1, or the
    binomial) only fall, so once one count is negligible next to both the centre's and
    the observed count's probability, every count above it is too. The lower end is never
    cut: with mean <= 1/2 it is the heavier side, and its small tails are summed exactly.
    """
    last = n.copy()
    if np.isfinite(strength):
        concave = (mean * strength >= 1.0) & ((1.0 - mean) * strength >= 1.0)
        inflation = 1.0 + (n - 1.0) / (strength + 1.0)
    else:
        concave, inflation = np.ones(n.shape, dtype=bool), 1.0
    centre = n * mean
    sd = np.sqrt(centre * (1.0 - mean) * inflation)
    floor = np.minimum(betabinom_logpmf(np.floor(centre), n, mean, strength), betabinom_logpmf(x, n, mean, strength))
    floor -= _NEGLIGIBLE
    open_rows = concave.copy()
    for sds in _WINDOW_SDS:
        end = np.ceil(centre + sds * sd)
        fits = open_rows & (end < n) & (end > x) & (betabinom_logpmf(end, n, mean, strength) < floor)
        last[fits] = end[fits]
        open_rows &= ~fits
    return last


def _chunks(order: np.ndarray, last: np.ndarray) -> list[np.ndarray]:
    """Split agencies (sorted by `last`) into chunks whose padding wastes at most half the cells."""
    chunks, start = [], 0
    while start < order.size:
        stop, used = start + 1, last[order[start]] + 1
        while stop < order.size:
            width = last[order[stop]] + 1
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


def _chunk_tails(
    size: np.ndarray, end: np.ndarray, mean: np.ndarray, x: np.ndarray, strength: float, levels: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, dict[float, tuple[np.ndarray, np.ndarray]]]:
    """Log mid-p tails at `x`, and the lowest and highest count inside each level, for one chunk of rows."""
    logp = _padded_logpmf(size, mean, strength, end)
    # The sums run on probabilities scaled so each row's mode is 1: one exp per cell and
    # two cumulative sums, instead of log-space accumulation (exp and log1p per cell,
    # three times). Sums of positive terms only, never 1 - F, so a small tail keeps its
    # relative precision; a tail beyond the floating-point range falls back to log space.
    mass = logp - logp.max(axis=1, keepdims=True)
    np.exp(mass, out=mass)
    half = 0.5 * mass
    # P(X <= k) - P(X = k)/2 and P(X >= k) - P(X = k)/2: the two mid-p tails at every k.
    lower = np.cumsum(mass, axis=1)
    total = lower[:, -1].copy()
    upper = np.cumsum(mass[:, ::-1], axis=1)[:, ::-1]
    lower -= half
    upper -= half
    obs = x.astype(np.intp)[:, None]
    low_obs = np.take_along_axis(lower, obs, axis=1)[:, 0]
    high_obs = np.take_along_axis(upper, obs, axis=1)[:, 0]
    with np.errstate(divide="ignore"):
        row_low = np.log(low_obs) - np.log(total)
        row_high = np.log(high_obs) - np.log(total)
    far = np.flatnonzero((low_obs < _LINEAR_FLOOR) | (high_obs < _LINEAR_FLOOR))
    if far.size:
        row_low[far], row_high[far] = _log_space_tails(logp[far], obs[far])
    k = np.arange(lower.shape[1])[None, :]
    inside = k <= end[:, None]
    row_limits = {}
    for t in levels:
        ok_low = inside & (lower >= t * total[:, None])
        ok_high = inside & (upper >= t * total[:, None])
        lowest = np.where(ok_low.any(axis=1), np.argmax(ok_low, axis=1), np.nan)
        highest = np.where(ok_high.any(axis=1), k.size - 1 - np.argmax(ok_high[:, ::-1], axis=1), np.nan)
        row_limits[t] = (lowest, highest)
    return row_low, row_high, row_limits


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
    # Mirror rows with an expected rate above 1/2 (count the other answers, swap the tails):
    # then the lighter tail is always the upper one, and `_window_ends` may cut it short.
    flip = np.zeros(x_arr.shape, dtype=bool)
    flip[valid] = e_arr[valid] > 0.5
    x_o = np.where(flip, n_arr - x_arr, x_arr)
    e_o = np.where(flip, 1.0 - e_arr, e_arr)
    ends = n_arr.copy()
    ends[valid] = _window_ends(x_o[valid], n_arr[valid], e_o[valid], strength)
    order = valid[np.argsort(ends[valid], kind="stable")]
    chunks = _chunks(order, ends)
    work = [(n_arr[rows], ends[rows], e_o[rows], x_o[rows]) for rows in chunks]
    # Chunks are independent and NumPy releases the GIL inside each operation, so a large
    # table uses every core; a small one stays in this thread (a pool costs more than it saves).
    if len(work) > 1 and ends[valid].sum() > _THREADED_CELLS and _WORKERS > 1:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            results = list(pool.map(lambda args: _chunk_tails(*args, strength, levels), work))
    else:
        results = [_chunk_tails(*args, strength, levels) for args in work]
    for rows, (row_low, row_high, row_limits) in zip(chunks, results, strict=True):
        mirrored, size = flip[rows], n_arr[rows]
        log_low[rows] = np.where(mirrored, row_high, row_low)
        log_high[rows] = np.where(mirrored, row_low, row_high)
        for t, (lowest, highest) in row_limits.items():
            limits[t][0][rows] = np.where(mirrored, size - highest, lowest) / size
            limits[t][1][rows] = np.where(mirrored, size - lowest, highest) / size
    return log_low, log_high, limits


def _prefix_tails(size: np.ndarray, mean: np.ndarray, x: np.ndarray, strength: float) -> tuple[np.ndarray, np.ndarray]:
    """log P(X < x) + P(X = x)/2 and its complement, from the counts 0..x only (analytic normalisation)."""
    logp = _padded_logpmf(size, mean, strength, x)
    top = logp.max(axis=1)
    mass = np.exp(logp - top[:, None])
    at_x = np.take_along_axis(mass, x.astype(np.intp)[:, None], axis=1)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_low = top + np.log(mass.sum(axis=1) - 0.5 * at_x)
        log_high = np.log1p(-np.exp(np.minimum(log_low, 0.0)))
    return log_low, log_high


def screening_tails(x: ArrayLike, n: ArrayLike, expected: ArrayLike, strength: float) -> tuple[np.ndarray, np.ndarray]:
    """Log mid-p tails good to about 1e-9 in probability: enough to decide which agencies a fit keeps.

    Only the counts on the shorter side of each observed count are summed (a fifth of them for
    a group near 80% satisfied), normalised by the exact P(X = 0) of `betabinom_logpmf` rather
    than by a sum over every count; the far tail is one minus the near one. The published z and
    bands always come from `mid_p_tails` (issue 16: the spread fit's rounds cost a full pass each).
    """
    x_arr = np.atleast_1d(np.asarray(x, dtype=float))
    n_arr = np.atleast_1d(np.asarray(n, dtype=float))
    e_arr = np.atleast_1d(np.asarray(expected, dtype=float))
    log_low = np.full(x_arr.shape, np.nan)
    log_high = np.full(x_arr.shape, np.nan)
    valid = np.flatnonzero((n_arr > 0) & np.isfinite(e_arr))
    flip = np.zeros(x_arr.shape, dtype=bool)
    flip[valid] = x_arr[valid] > n_arr[valid] / 2.0
    x_o = np.where(flip, n_arr - x_arr, x_arr)
    e_o = np.where(flip, 1.0 - e_arr, e_arr)
    order = valid[np.argsort(x_o[valid], kind="stable")]
    for rows in _chunks(order, x_o):
        near, far = _prefix_tails(n_arr[rows], e_o[rows], x_o[rows], strength)
        mirrored = flip[rows]
        log_low[rows] = np.where(mirrored, far, near)
        log_high[rows] = np.where(mirrored, near, far)
    return log_low, log_high


def z_from_tails(log_low: np.ndarray, log_high: np.ndarray) -> np.ndarray:
    """Normal deviate with the same one-sided mid-p tail: positive means above expected."""
    with np.errstate(invalid="ignore"):
        below = log_low < log_high
        z_low = special.ndtri_exp(np.where(below, log_low, -1.0))
        z_high = -special.ndtri_exp(np.where(below, -1.0, log_high))
    return np.where(np.isfinite(log_low), np.where(below, z_low, z_high), np.nan)


def funnel_curves(
    n_grid: ArrayLike, expected: float, strength: float, tails: tuple[float, ...]
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Method 2 funnel limits for a grid of sizes at several tail areas, from one pass over the counts.

    Same rule as the bands: a rate k/n is inside when both its mid-p tails under
    BetaBinomial(n, eM, (1 - e)M) are >= the tail area (e.g. 0.025 for 95%, 0.001 for
    99.8%). For a group without case mix use e = the group's centre (the `expected` of
    a typical agency) and M = the table's `band_strength`.
    """
    n_arr = np.atleast_1d(np.asarray(n_grid, dtype=float))
    # The observed count plays no part in the limits; the centre keeps every row's window short.
    centre = np.round(n_arr * expected)
    _, _, limits = mid_p_tails(centre, n_arr, np.full(n_arr.size, expected), strength, tuple(tails))
    return limits


def funnel_curve(n_grid: ArrayLike, expected: float, strength: float, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Method 2 funnel limits at one tail area: lowest and highest rate inside (see `funnel_curves`)."""
    return funnel_curves(n_grid, expected, strength, (tail,))[tail]
