"""Wilson interval: reference values, statsmodels agreement and properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from ranking.stats import Z95, wilson_interval

REFERENCE = [
    (100, 200, 0.4313609, 0.5686391),
    (18, 20, 0.6989663547715128, 0.972133518786232),
    (4, 20, 0.0806576625797981, 0.4160174322518935),
    (190, 200, 0.910421851861224, 0.972617354399236),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), REFERENCE)
def test_wilson_matches_methodology_table(x, n, low, high):
    got_low, got_high = wilson_interval(x, n)
    assert got_low == pytest.approx(low, abs=1e-6)
    assert got_high == pytest.approx(high, abs=1e-6)


def test_wilson_agrees_with_statsmodels_on_random_counts():
    rng = np.random.default_rng(7)
    n = rng.integers(1, 5000, size=500)
    x = rng.binomial(n, rng.uniform(0, 1, size=500))
    low, high = wilson_interval(x, n)
    sm_low, sm_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    # statsmodels uses the exact normal quantile; Z95 is rounded to 6 decimals.
    np.testing.assert_allclose(low, sm_low, atol=1e-6)
    np.testing.assert_allclose(high, sm_high, atol=1e-6)


def test_zero_answers_give_no_interval():
    low, high = wilson_interval([0, 3], [0, 10])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert np.isfinite(low[1]) and np.isfinite(high[1])


def test_all_and_none_satisfied_touch_the_bounds():
    low, high = wilson_interval([0, 10], [10, 10])
    assert low[0] == 0.0 and high[0] > 0
    assert high[1] == 1.0 and low[1] < 1


def test_huge_n_gives_a_tight_finite_interval():
    low, high = wilson_interval(9e8, 1e9)
    assert 0.9 - 1e-4 < low < 0.9 < high < 0.9 + 1e-4


def test_scalars_broadcast_against_arrays():
    low, high = wilson_interval(5, [10, 20, 50])
    assert low.shape == high.shape == (3,)


@pytest.mark.parametrize(("x", "n"), [(5, 4), (-1, 4), (1, -2)])
def test_impossible_counts_are_rejected(x, n):
    with pytest.raises(ValueError, match="0 <= x <= n"):
        wilson_interval(x, n)


counts = st.integers(1, 10**6).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(deadline=None)
@given(counts)
def test_interval_contains_the_share_and_lies_in_unit_interval(pair):
    x, n = pair
    low, high = wilson_interval(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0


@settings(deadline=None)
@given(counts, st.integers(2, 1000))
def test_more_data_at_the_same_share_never_widens_the_interval(pair, factor):
    x, n = pair
    low, high = wilson_interval(x, n)
    big_low, big_high = wilson_interval(x * factor, n * factor)
    assert big_high - big_low <= (high - low) + 1e-12


def test_custom_z_gives_wider_interval():
    narrow = np.subtract(*wilson_interval(30, 50, z=Z95)[::-1])
    wide = np.subtract(*wilson_interval(30, 50, z=3.090232)[::-1])
    assert wide > narrow
