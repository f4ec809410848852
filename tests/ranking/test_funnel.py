"""Arcsine funnel with overdispersion, and exact Poisson O/E limits."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ranking.funnel import funnel_arcsine, funnel_limits, poisson_ratio_limits
from ranking.stats import Z95, Z998

X = np.array([45, 88, 130, 20, 9, 300, 61, 140])
N = np.array([60, 100, 150, 30, 10, 330, 80, 200])


def test_worked_example_overdispersion():
    result = funnel_arcsine(X, N)
    assert result.expected[0] == pytest.approx(0.8260416666666667, abs=1e-12)
    assert result.phi == pytest.approx(3.2515550598233602, abs=1e-9)
    assert result.tau2 == pytest.approx(0.006257522922189868, abs=1e-12)


def test_worked_example_adjusted_z_and_bands():
    result = funnel_arcsine(X, N)
    expected_z = [-0.914458, 0.817383, 0.634046, -1.533588, 0.613599, 1.479965, -0.813589, -1.724329]
    np.testing.assert_allclose(result.z, expected_z, atol=1e-6)
    assert list(result.band) == ["expected"] * 8


def test_worked_example_limits():
    result = funnel_arcsine(X, N)
    assert result.limit95_low[0] == pytest.approx(0.652581, abs=1e-6)
    assert result.limit95_high[0] == pytest.approx(0.947971, abs=1e-6)
    assert result.limit998_low[4] == pytest.approx(0.313442, abs=1e-6)
    assert result.limit998_high[4] == pytest.approx(1.0, abs=1e-12)


def test_funnel_limits_helper_draws_a_curve_over_a_grid():
    grid = np.array([10, 100, 1000, 10000])
    low, high = funnel_limits(grid, 0.8, 0.0, Z95)
    assert np.all(np.diff(high - low) < 0)
    assert np.all((low <= 0.8) & (high >= 0.8))
    # Without overdispersion the 95% limits are about +/- 1.96 sqrt(p(1-p)/n).
    assert high[-1] - 0.8 == pytest.approx(Z95 * np.sqrt(0.8 * 0.2 / 10000), rel=0.02)


def test_funnel_limits_with_tau2_never_narrower_than_without():
    grid = np.geomspace(1, 1e6, 20)
    low0, high0 = funnel_limits(grid, 0.6, 0.0, Z998)
    low1, high1 = funnel_limits(grid, 0.6, 0.01, Z998)
    assert np.all(low1 <= low0) and np.all(high1 >= high0)


def test_bands_follow_adjusted_z():
    # Many agencies near 0.8, one far above and one far below.
    n = np.full(40, 400)
    x = np.full(40, 320)
    x[:20] += np.arange(-10, 10)
    x[38], x[39] = 396, 200
    result = funnel_arcsine(x, n)
    assert result.band[38] == "well_above"
    assert result.band[39] == "well_below"
    assert set(result.band[:20]) == {"expected"}


def test_winsorised_bounds_are_the_10th_and_90th_percentiles():
    result = funnel_arcsine(X, N)
    lo, hi = np.percentile(result.z_raw, [10, 90])
    assert (result.winsor_low, result.winsor_high) == (pytest.approx(lo), pytest.approx(hi))


def test_agencies_without_answers_stay_out_of_the_fit():
    with_empty = funnel_arcsine(np.append(X, 0), np.append(N, 0))
    plain = funnel_arcsine(X, N)
    assert with_empty.phi == pytest.approx(plain.phi)
    assert with_empty.tau2 == pytest.approx(plain.tau2)
    assert with_empty.band[-1] == ""
    for name in ("rate", "expected", "z_raw", "z", "limit95_low", "limit95_high", "limit998_low", "limit998_high"):
        assert np.isnan(getattr(with_empty, name)[-1]), name


def test_one_agency_has_no_overdispersion():
    result = funnel_arcsine([30], [40])
    assert result.phi == 0.0 and result.tau2 == 0.0
    assert result.z[0] == 0.0 and result.band[0] == "expected"


def test_one_agency_against_explicit_expected_does_not_divide_by_zero():
    result = funnel_arcsine([30], [40], expected=[0.5])
    assert result.tau2 == 0.0
    assert np.isfinite(result.z[0]) and result.band[0] in {"above", "well_above"}


def test_two_agencies():
    result = funnel_arcsine([10, 90], [100, 100])
    assert np.isfinite(result.tau2) and result.tau2 > 0
    assert np.all(np.isfinite(result.z))


def test_identical_agencies_have_zero_tau2():
    result = funnel_arcsine(np.full(5, 40), np.full(5, 50))
    assert result.phi == 0.0 and result.tau2 == 0.0
    assert list(result.band) == ["expected"] * 5


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_all_or_none_satisfied(share):
    n = np.array([10, 50, 200])
    result = funnel_arcsine(n * share, n)
    assert result.tau2 == 0.0
    assert np.all(result.z == 0.0)
    assert np.all((result.limit95_low >= 0) & (result.limit95_high <= 1))
    assert list(result.band) == ["expected"] * 3


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_expected_of_exactly_zero_or_one(target):
    result = funnel_arcsine([5, 10, 20], [10, 10, 40], expected=np.full(3, target))
    assert np.all(np.isfinite(result.z))
    assert np.all((result.limit998_low >= 0) & (result.limit998_high <= 1))
    assert set(result.band) <= {"above", "well_above", "below", "well_below", "expected"}


def test_huge_n_is_finite():
    result = funnel_arcsine([9e8, 8e8, 8.5e8], [1e9, 1e9, 1e9])
    assert np.all(np.isfinite(result.z)) and np.isfinite(result.tau2)


def test_empty_group():
    result = funnel_arcsine([], [])
    assert result.band.shape == (0,) and np.isnan(result.phi)


def test_all_empty_agencies():
    result = funnel_arcsine([0, 0], [0, 0])
    assert list(result.band) == ["", ""]
    assert np.isnan(result.tau2)


def test_bad_expected_is_rejected():
    with pytest.raises(ValueError, match="expected"):
        funnel_arcsine([1, 2, 3], [5, 5, 5], expected=[0.5, 1.2, 0.5])


@settings(deadline=None)
@given(
    st.lists(
        st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
        min_size=1,
        max_size=40,
    )
)
def test_limits_nest_and_bands_match_limits(pairs):
    x, n = (np.array(v) for v in zip(*pairs, strict=True))
    r = funnel_arcsine(x, n)
    assert r.tau2 >= 0
    assert np.all((r.limit998_low >= 0) & (r.limit998_low <= r.limit95_low + 1e-12))
    assert np.all((r.limit95_high <= r.limit998_high + 1e-12) & (r.limit998_high <= 1))
    # An agency strictly outside its 99.8% limits is flagged "well_*"; inside 95% is "expected".
    inside = (r.rate > r.limit95_low + 1e-9) & (r.rate < r.limit95_high - 1e-9)
    assert set(r.band[inside]) <= {"expected"}
    assert set(r.band[r.rate > r.limit998_high + 1e-9]) <= {"well_above"}
    assert set(r.band[r.rate < r.limit998_low - 1e-9]) <= {"well_below"}


POISSON_E = [15, 20, 30]


@pytest.mark.parametrize(
    ("level", "low", "high"),
    [
        (0.95, [0.5596924, 0.6108260, 0.6746958], [1.649348, 1.544419, 1.427562]),
        (0.998, [0.3862650, 0.4479107, 0.5289724], [2.082907, 1.902094, 1.702771]),
    ],
)
def test_poisson_ratio_limits_match_funnelplotr(level, low, high):
    got_low, got_high = poisson_ratio_limits(POISSON_E, level)
    np.testing.assert_allclose(got_low, low, atol=1e-6)
    np.testing.assert_allclose(got_high, high, atol=1e-6)


def test_poisson_ratio_limits_nan_for_zero_expected_and_bad_level():
    low, high = poisson_ratio_limits([0, 10], 0.95)
    assert np.isnan(low[0]) and np.isnan(high[0]) and low[1] < 1 < high[1]
    with pytest.raises(ValueError, match="level"):
        poisson_ratio_limits([10], 95)
