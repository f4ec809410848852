"""Change of score between periods."""

import numpy as np
import pytest
from scipy import stats

from ranking.movement import score_movement


def test_normal_approximation_matches_hand_computation():
    a1, b1, a0, b0 = 90.0, 10.0, 70.0, 30.0
    diff, low, high, significant = score_movement([a1], [b1], [a0], [b0])
    var = a1 * b1 / (100**2 * 101) + a0 * b0 / (100**2 * 101)
    half = stats.norm.ppf(0.975) * np.sqrt(var)
    assert diff[0] == pytest.approx(0.2)
    assert (low[0], high[0]) == (pytest.approx(0.2 - half), pytest.approx(0.2 + half))
    assert significant[0]


def test_small_change_with_little_data_is_not_significant():
    _, low, high, significant = score_movement([6.0], [4.0], [5.0], [5.0])
    assert low[0] < 0 < high[0] and not significant[0]


def test_significant_decline():
    _, _, high, significant = score_movement([300.0], [700.0], [700.0], [300.0])
    assert high[0] < 0 and significant[0]


def test_missing_side_gives_nan_and_not_significant():
    diff, low, high, significant = score_movement(
        [10.0, 10.0, np.nan], [5.0, 5.0, 1.0], [np.nan, 8.0, 2.0], [1.0, 7.0, 3.0]
    )
    assert np.isnan(diff[[0, 2]]).all() and np.isnan(low[[0, 2]]).all() and np.isnan(high[[0, 2]]).all()
    assert not significant[[0, 2]].any()
    assert np.isfinite(diff[1])


def test_monte_carlo_agrees_with_normal_for_large_posteriors():
    args = ([900.0], [100.0], [850.0], [150.0])
    normal = score_movement(*args)
    mc = score_movement(*args, method="monte-carlo", draws=20000, seed=1)
    assert mc[1][0] == pytest.approx(normal[1][0], abs=3e-3)
    assert mc[2][0] == pytest.approx(normal[2][0], abs=3e-3)
    assert mc[3][0] == normal[3][0]


def test_monte_carlo_is_reproducible_by_seed():
    args = ([9.0, 30.0], [3.0, 12.0], [7.0, 20.0], [4.0, 20.0])
    first = score_movement(*args, method="monte-carlo", seed=5)
    again = score_movement(*args, method="monte-carlo", seed=5)
    for one, two in zip(first, again, strict=True):
        np.testing.assert_array_equal(one, two)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="method"):
        score_movement([1.0], [1.0], [1.0], [1.0], method="bootstrap")
    with pytest.raises(ValueError, match="level"):
        score_movement([1.0], [1.0], [1.0], [1.0], level=0)


def test_empty_input():
    diff, _, _, significant = score_movement([], [], [], [])
    assert diff.shape == significant.shape == (0,)
