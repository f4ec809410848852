"""Method 2 bands: exact mid-p beta-binomial tails, limits that agree with bands, small n."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ranking.stats import Z95, Z998
from ranking.v2.predictive import betabinom_logpmf, mid_p_tails, z_from_tails

X = np.array([45, 88, 130, 20, 9, 300, 61, 140, 0, 4000, 1])
N = np.array([60, 100, 150, 30, 10, 330, 80, 200, 1, 5000, 1])


def scipy_mid_p(x, n, mean, strength):
    """Reference mid-p tails straight from scipy's distributions."""
    finite = np.isfinite(strength)
    dist = stats.betabinom(n, mean * strength, (1 - mean) * strength) if finite else stats.binom(n, mean)
    return dist.cdf(x - 1) + dist.pmf(x) / 2, dist.sf(x) + dist.pmf(x) / 2


@pytest.mark.parametrize("strength", [2.0, 20.0, 300.0, np.inf])
def test_mid_p_tails_match_scipy(strength):
    mean = np.full(X.size, 0.8)
    log_low, log_high, _ = mid_p_tails(X, N, mean, strength)
    low, high = scipy_mid_p(X, N, 0.8, strength)
    # scipy's survival function itself carries ~1e-8 relative error far in the tail.
    np.testing.assert_allclose(np.exp(log_low), low, rtol=1e-7)
    np.testing.assert_allclose(np.exp(log_high), high, rtol=1e-7)


def test_logpmf_matches_scipy_and_is_minus_inf_beyond_n():
    k = np.arange(0, 12)
    got = betabinom_logpmf(k, 10, 0.7, 15.0)
    ref = stats.betabinom.logpmf(k, 10, 0.7 * 15, 0.3 * 15)
    np.testing.assert_allclose(got[:11], ref[:11], rtol=1e-12)
    assert got[11] == -np.inf


def test_far_outlier_keeps_a_finite_z():
    log_low, log_high, _ = mid_p_tails([1000], [5000], [0.9], np.inf)
    z = z_from_tails(log_low, log_high)
    assert np.isfinite(z[0]) and z[0] < -30


def test_z_sign_and_no_data():
    log_low, log_high, _ = mid_p_tails([9, 1, 0], [10, 10, 0], [0.5, 0.5, 0.5], np.inf)
    z = z_from_tails(log_low, log_high)
    assert z[0] > 0 > z[1]
    assert np.isnan(z[2])


@settings(deadline=None, max_examples=40)
@given(
    n=st.integers(1, 400),
    mean=st.floats(0.05, 0.98),
    strength=st.one_of(st.floats(1.0, 1e5), st.just(np.inf)),
)
def test_limits_agree_with_tails(n, mean, strength):
    k = np.arange(n + 1)
    tails = (stats.norm.sf(Z95), stats.norm.sf(Z998))
    log_low, log_high, limits = mid_p_tails(k, np.full(k.size, n), np.full(k.size, mean), strength, tails)
    for t in tails:
        outside = np.minimum(log_low, log_high) < np.log(t)
        low, high = limits[t]
        assert np.all(low == low[0]) and np.all(high == high[0])
        rate = k / n
        np.testing.assert_array_equal(outside, (rate < low[0]) | (rate > high[0]))


@settings(deadline=None, max_examples=60)
@given(n=st.integers(1, 29), p_bar=st.floats(0.85, 0.95))
def test_all_satisfied_under_30_is_never_beyond_99_8(n, p_bar):
    # Binomial predictive (no spread) is the narrowest method 2 can use.
    _, log_high, _ = mid_p_tails([n], [n], [p_bar], np.inf)
    assert log_high[0] >= np.log(stats.norm.sf(Z998))


def test_funnel_curve_matches_the_table_limits():
    from ranking.v2 import funnel_curve, league_table

    x, n = [45, 88, 130, 20, 9, 300, 61, 140], [60, 100, 150, 30, 10, 330, 80, 200]
    out = league_table(x, n)
    # Agency 1's own limits are the curve at its n and its expected rate.
    low, high = funnel_curve([60], out["expected"][0], out["band_strength"], stats.norm.sf(Z95))
    assert low[0] == out["limit95_low"][0] and high[0] == out["limit95_high"][0]
