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
    # Shrunk scores of 2,000 unchanged agencies (n = 100, group prior strength 50).
    rng = np.random.default_rng(1)
    n, strength, theta = 100, 50.0, rng.beta(0.85 * 50, 0.15 * 50, 2000)
    scores = []
    for _ in range(2):
        x = rng.binomial(n, theta)
        a, b = 0.85 * strength + x, 0.15 * strength + n - x
        scores.append((a / (a + b), np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))))
    out = score_movement(scores[1][0], scores[1][1], n, scores[0][0], scores[0][1], n)
    # Posterior SDs are wider than the sampling SD of shrunk scores: conservative.
    assert np.nanstd(out["z"]) < 1.0
    assert out["significant"].mean() < 0.005
