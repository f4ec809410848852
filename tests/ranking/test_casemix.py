"""Expected rates by indirect standardisation."""

import numpy as np
import pytest

from ranking.casemix import expected_rates


def test_expected_rate_weights_group_category_rates_by_own_mix():
    n = np.array([[10, 0], [0, 10], [10, 10]])
    x = np.array([[9, 0], [0, 5], [9, 5]])
    # Group rates: category 0 = 18/20, category 1 = 10/20.
    np.testing.assert_allclose(expected_rates(n, x), [0.9, 0.5, 0.7])


def test_single_category_reduces_to_the_group_share():
    n = np.array([[60], [100], [150]])
    x = np.array([[45], [88], [130]])
    np.testing.assert_allclose(expected_rates(n, x), np.full(3, 263 / 310))


def test_agency_without_answers_gets_nan_and_empty_category_contributes_nothing():
    n = np.array([[10, 0, 0], [0, 0, 0], [5, 5, 0]])
    x = np.array([[8, 0, 0], [0, 0, 0], [4, 1, 0]])
    got = expected_rates(n, x)
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], [12 / 15, (5 * 12 / 15 + 5 * 1 / 5) / 10])


def test_expected_counts_add_up_to_observed_total():
    rng = np.random.default_rng(3)
    n = rng.integers(0, 50, size=(40, 6))
    x = rng.binomial(n, rng.uniform(0.3, 0.95, size=6))
    e = expected_rates(n, x)
    n_i = n.sum(axis=1)
    # Indirect standardisation preserves the group total: sum n_i e_i = sum x.
    assert np.nansum(n_i * e) == pytest.approx(x.sum())


def test_empty_group_returns_empty():
    assert expected_rates(np.zeros((0, 3)), np.zeros((0, 3))).shape == (0,)


@pytest.mark.parametrize(
    ("n", "x"),
    [
        (np.ones(3), np.ones(3)),
        (np.ones((2, 2)), np.ones((2, 3))),
        (np.ones((2, 2)), np.full((2, 2), 2.0)),
    ],
)
def test_bad_matrices_are_rejected(n, x):
    with pytest.raises(ValueError):
        expected_rates(n, x)
