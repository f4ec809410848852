"""Method 2 ranks: MRSW rank sets with Holm, simultaneous sets, rankability."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ranking.v2.ranks import marginal_rank_sets, rankability, simultaneous_rank_sets


def reference_marginal(est, se, alpha):
    """Rank sets from statsmodels' Holm adjustment of each agency's I - 1 comparisons."""
    count = est.size
    low, high = np.empty(count), np.empty(count)
    for i in range(count):
        others = np.delete(np.arange(count), i)
        z = (est[others] - est[i]) / np.sqrt(se[others] ** 2 + se[i] ** 2)
        p = 2 * stats.norm.sf(np.abs(z))
        reject = multipletests(p, alpha=alpha, method="holm")[0]
        low[i] = 1 + np.sum(reject & (z > 0))
        high[i] = count - np.sum(reject & (z < 0))
    return low, high


def test_marginal_sets_match_statsmodels_holm():
    rng = np.random.default_rng(0)
    est = rng.normal(1.2, 0.1, 25)
    se = rng.uniform(0.01, 0.05, 25)
    low, high = marginal_rank_sets(est, se, 0.05)
    ref_low, ref_high = reference_marginal(est, se, 0.05)
    np.testing.assert_array_equal(low, ref_low)
    np.testing.assert_array_equal(high, ref_high)


def test_simultaneous_sets_match_statsmodels_holm_and_contain_marginal():
    rng = np.random.default_rng(1)
    est = rng.normal(1.2, 0.1, 20)
    se = rng.uniform(0.01, 0.05, 20)
    low, high = simultaneous_rank_sets(est, se, 0.05)
    i, j = np.triu_indices(20, 1)
    z = (est[j] - est[i]) / np.sqrt(se[i] ** 2 + se[j] ** 2)
    reject = multipletests(2 * stats.norm.sf(np.abs(z)), alpha=0.05, method="holm")[0]
    better = np.bincount(i, reject & (z > 0), 20) + np.bincount(j, reject & (z < 0), 20)
    worse = np.bincount(i, reject & (z < 0), 20) + np.bincount(j, reject & (z > 0), 20)
    np.testing.assert_array_equal(low, 1 + better)
    np.testing.assert_array_equal(high, 20 - worse)
    m_low, m_high = marginal_rank_sets(est, se, 0.05)
    assert np.all(low <= m_low) and np.all(high >= m_high)


def test_clearly_separated_agencies_get_exact_ranks():
    est = np.array([1.0, 1.2, 1.4])
    se = np.full(3, 0.001)
    low, high = simultaneous_rank_sets(est, se, 0.05)
    np.testing.assert_array_equal(low, [3, 2, 1])
    np.testing.assert_array_equal(high, [3, 2, 1])


def test_rankability_formula():
    n = np.array([100.0, 200.0, 400.0])
    within = 1 / (200 * 0.8 * 0.2)
    assert np.isclose(rankability(0.1, n, 0.8), 0.1 / (0.1 + within))
    assert np.isnan(rankability(np.nan, n, 0.8))


def reference_simultaneous(est, se, alpha):
    """Rank sets from statsmodels' Holm adjustment of all I(I - 1)/2 pairs at once."""
    count = est.size
    i, j = np.triu_indices(count, 1)
    z = (est[j] - est[i]) / np.sqrt(se[i] ** 2 + se[j] ** 2)
    reject = multipletests(2 * stats.norm.sf(np.abs(z)), alpha=alpha, method="holm")[0]
    better = np.bincount(i, reject & (z > 0), count) + np.bincount(j, reject & (z < 0), count)
    worse = np.bincount(i, reject & (z < 0), count) + np.bincount(j, reject & (z > 0), count)
    return 1 + better, count - worse


@pytest.mark.parametrize(
    ("count", "spread", "ties", "seed"),
    [(700, 0.2, False, 2), (700, 0.02, False, 3), (600, 0.05, True, 4), (530, 0.001, False, 5), (3, 0.3, False, 6)],
)
def test_simultaneous_sets_over_several_blocks_match_statsmodels(count, spread, ties, seed):
    """Groups larger than one block of rows, far apart, close, tied or indistinguishable."""
    rng = np.random.default_rng(seed)
    est = rng.normal(1.2, spread, count)
    if ties:
        est = np.round(est, 2)  # many equal estimates (and equal |z| at the Holm cut)
    se = 0.5 / np.sqrt(rng.integers(30, 20000, count) + 0.5)
    low, high = simultaneous_rank_sets(est, se, 0.05)
    ref_low, ref_high = reference_simultaneous(est, se, 0.05)
    np.testing.assert_array_equal(low, ref_low)
    np.testing.assert_array_equal(high, ref_high)
