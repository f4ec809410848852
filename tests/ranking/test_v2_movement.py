"""Method 2 movement: BH across agencies, minimum n, power."""

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ranking.v2 import benjamini_hochberg, score_movement


def test_bh_matches_statsmodels():
    rng = np.random.default_rng(0)
    p = np.r_[rng.uniform(0, 1, 40), rng.uniform(0, 0.002, 5), np.nan]
    adjusted, reject = benjamini_hochberg(p, 0.05)
    ref_reject, ref_adjusted, _, _ = multipletests(p[:-1], alpha=0.05, method="fdr_bh")
    np.testing.assert_allclose(adjusted[:-1], ref_adjusted, rtol=1e-12)
    np.testing.assert_array_equal(reject[:-1], ref_reject)
    assert np.isnan(adjusted[-1]) and not reject[-1]


def test_movement_by_hand():
    out = score_movement([0.80, 0.80], [0.02, 0.02], [100, 100], [0.90, 0.81], [0.02, 0.02], [100, 100])
    se = np.sqrt(0.02**2 * 2)
    np.testing.assert_allclose(out["diff"], [-0.10, -0.01])
    np.testing.assert_allclose(out["z"], [-0.10 / se, -0.01 / se])
    np.testing.assert_allclose(out["p"], 2 * stats.norm.sf(np.abs([0.10 / se, 0.01 / se])))
    assert out["significant"].tolist() == [True, False]
    crit = stats.norm.isf(0.025)
    np.testing.assert_allclose(out["power"], stats.norm.sf(crit - 0.1 / se) + stats.norm.cdf(-crit - 0.1 / se))


def test_small_agencies_are_not_tested():
    out = score_movement([0.5], [0.01], [29], [0.9], [0.01], [500])
    assert not out["tested"][0] and not out["significant"][0] and np.isnan(out["p"][0])


def test_missing_previous_period_gives_nan():
    out = score_movement([0.5, 0.6], [0.01, 0.01], [100, 100], [np.nan, 0.6], [np.nan, 0.01], [0, 100])
    assert np.isnan(out["diff"][0]) and not out["significant"][0]


def test_no_change_rarely_called_across_many_agencies():
    rng = np.random.default_rng(1)
    sd = np.full(2000, 0.02)
    now, prev = rng.normal(0.85, 0.02, 2000), rng.normal(0.85, 0.02, 2000)
    out = score_movement(now, sd * np.sqrt(2) / np.sqrt(2), 100, prev, sd, 100)
    assert out["significant"].mean() < 0.005
