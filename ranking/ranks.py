"""Ranks with simulated rank ranges (METHODOLOGY §7).

Point rank by posterior mean; the uncertainty of each rank comes from ranking
joint draws of all posteriors (Goldstein & Spiegelhalter 1996; see also
Mogstad, Romano, Shaikh & Wilhelm 2024 on inference for ranks).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

# Draw this many posterior samples at a time, to bound memory for large groups.
_CHUNK_VALUES = 2_000_000


def rank_ranges(
    alpha_post: ArrayLike,
    beta_post: ArrayLike,
    eligible: ArrayLike,
    draws: int = 4000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank (1 = best) by posterior mean and its simulated `level` rank range.

    Only eligible agencies with finite positive posteriors are ranked; others get
    NaN. Tied posterior means share the average rank. Each of `draws` joint
    samples (numpy default_rng(seed), agencies taken in order of alpha then
    beta, so input order does not matter) is ranked; the range is the lower
    (1 - level)/2 and higher (1 + level)/2 empirical quantiles (numpy methods
    "lower"/"higher", so both are integer ranks), widened to contain the rank.
    """
    a_all = np.atleast_1d(np.asarray(alpha_post, dtype=float))
    b_all = np.atleast_1d(np.asarray(beta_post, dtype=float))
    elig = np.atleast_1d(np.asarray(eligible, dtype=bool))
    if not (a_all.ndim == 1 and a_all.shape == b_all.shape == elig.shape):
        raise ValueError("alpha_post, beta_post and eligible must be 1-D, same length")
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")

    with np.errstate(invalid="ignore"):
        use = elig & np.isfinite(a_all) & np.isfinite(b_all) & (a_all > 0) & (b_all > 0)
    rank = np.full(a_all.shape, np.nan)
    rank_low = np.full(a_all.shape, np.nan)
    rank_high = np.full(a_all.shape, np.nan)
    count = int(use.sum())
    if count == 0:
        return rank, rank_low, rank_high

    a, b = a_all[use], b_all[use]
    point = sps.rankdata(-(a / (a + b)), method="average")
    # Draw in a canonical order (by alpha, then beta) so the simulated ranges do
    # not depend on the order agencies are listed in.
    canonical = np.lexsort((b, a))
    a_sorted, b_sorted = a[canonical], b[canonical]

    rng = np.random.default_rng(seed)
    sim_ranks = np.empty((draws, count), dtype=np.int32)
    positions = np.arange(1, count + 1, dtype=np.int32)
    rows = max(1, _CHUNK_VALUES // count)
    for start in range(0, draws, rows):
        block = sim_ranks[start : start + rows]
        sample = rng.beta(a_sorted, b_sorted, size=block.shape)
        # Rank within each draw: sort descending, then scatter positions back.
        order = np.argsort(-sample, axis=1)
        np.put_along_axis(block, order, np.broadcast_to(positions, block.shape), axis=1)
    # One row per agency: order statistics over contiguous rows are several times faster
    # than column-wise quantiles over draws × agencies (1.0 s -> 0.4 s at 5,000 agencies).
    per_agency = np.ascontiguousarray(sim_ranks.T)
    del sim_ranks

    # numpy's quantile methods "lower"/"higher" are these two order statistics.
    tail = (1.0 - level) / 2.0
    k_low = int(np.floor((draws - 1) * tail))
    k_high = int(np.ceil((draws - 1) * (1.0 - tail)))
    per_agency.partition(sorted({k_low, k_high}), axis=1)
    low = np.empty(count)
    high = np.empty(count)
    low[canonical] = per_agency[:, k_low]
    high[canonical] = per_agency[:, k_high]
    rank[use] = point
    rank_low[use] = np.minimum(low, np.floor(point))
    rank_high[use] = np.maximum(high, np.ceil(point))
    return rank, rank_low, rank_high
