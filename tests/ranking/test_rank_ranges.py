"""Point ranks and simulated rank ranges."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from ranking.ranks import rank_ranges


def test_clear_order_gives_tight_ranges():
    a = np.array([9000.0, 5000.0, 1000.0])
    b = np.array([1000.0, 5000.0, 9000.0])
    rank, low, high = rank_ranges(a, b, [True, True, True])
    np.testing.assert_array_equal(rank, [1, 2, 3])
    np.testing.assert_array_equal(low, [1, 2, 3])
    np.testing.assert_array_equal(high, [1, 2, 3])


def test_vague_posteriors_give_wide_ranges():
    _, low, high = rank_ranges([2.0, 2.1, 1.9, 2.0], [2.0, 2.0, 2.0, 2.1], np.ones(4, bool), draws=2000)
    assert np.all(high - low >= 2)


def test_ineligible_agencies_get_nan_and_do_not_count():
    a = np.array([90.0, 80.0, 50.0, np.nan])
    b = np.array([10.0, 20.0, 50.0, np.nan])
    rank, low, high = rank_ranges(a, b, [True, False, True, True])
    assert np.isnan(rank[[1, 3]]).all() and np.isnan(low[[1, 3]]).all() and np.isnan(high[[1, 3]]).all()
    np.testing.assert_array_equal(rank[[0, 2]], [1, 2])
    assert np.nanmax(high) <= 2


def test_ties_share_the_average_rank_and_the_range_contains_it():
    rank, low, high = rank_ranges([50.0, 50.0, 10.0], [50.0, 50.0, 90.0], [True, True, True], draws=500)
    np.testing.assert_array_equal(rank, [1.5, 1.5, 3])
    assert np.all(low <= rank) and np.all(rank <= high)
    assert np.all(low == np.floor(low)) and np.all(high == np.floor(high))


def test_same_seed_reproduces_and_other_seed_may_differ():
    rng = np.random.default_rng(0)
    a = rng.uniform(5, 50, 50)
    b = rng.uniform(5, 50, 50)
    first = rank_ranges(a, b, np.ones(50, bool), draws=300, seed=42)
    again = rank_ranges(a, b, np.ones(50, bool), draws=300, seed=42)
    for one, two in zip(first, again, strict=True):
        np.testing.assert_array_equal(one, two)


def test_input_order_does_not_change_ranges():
    rng = np.random.default_rng(1)
    a = rng.uniform(5, 500, 60)
    b = rng.uniform(5, 500, 60)
    perm = rng.permutation(60)
    base = rank_ranges(a, b, np.ones(60, bool), draws=300, seed=3)
    shuffled = rank_ranges(a[perm], b[perm], np.ones(60, bool), draws=300, seed=3)
    for one, two in zip(base, shuffled, strict=True):
        np.testing.assert_array_equal(one[perm], two)


def test_nobody_eligible_and_empty_input():
    rank, low, high = rank_ranges([1.0, 2.0], [1.0, 1.0], [False, False])
    assert np.isnan(rank).all() and np.isnan(low).all() and np.isnan(high).all()
    assert rank_ranges([], [], [])[0].shape == (0,)


def test_single_eligible_agency_is_rank_one():
    rank, low, high = rank_ranges([3.0], [4.0], [True])
    assert (rank[0], low[0], high[0]) == (1, 1, 1)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="draws"):
        rank_ranges([1.0], [1.0], [True], draws=0)
    with pytest.raises(ValueError, match="level"):
        rank_ranges([1.0], [1.0], [True], level=1.5)
    with pytest.raises(ValueError, match="same length"):
        rank_ranges([1.0, 2.0], [1.0], [True])


def test_five_thousand_agencies_run():
    rng = np.random.default_rng(5)
    n = rng.integers(30, 3000, 5000)
    x = rng.binomial(n, rng.beta(20, 5, 5000))
    rank, low, high = rank_ranges(20 + x, 5 + n - x, np.ones(5000, bool))
    assert np.all((low >= 1) & (low <= rank) & (rank <= high) & (high <= 5000))


@settings(deadline=None, max_examples=50)
@given(
    st.lists(st.tuples(st.floats(0.5, 5000), st.floats(0.5, 5000), st.booleans()), min_size=1, max_size=25),
    st.integers(0, 2**32 - 1),
)
def test_rank_ranges_contain_the_rank(rows, seed):
    a, b, elig = (np.array(v) for v in zip(*rows, strict=True))
    rank, low, high = rank_ranges(a, b, elig, draws=200, seed=seed)
    ranked = ~np.isnan(rank)
    np.testing.assert_array_equal(ranked, elig)
    count = elig.sum()
    assert np.all((low[ranked] >= 1) & (low[ranked] <= rank[ranked]))
    assert np.all((rank[ranked] <= high[ranked]) & (high[ranked] <= count))


def straightforward_rank_ranges(a, b, draws, seed, level=0.95):
    """The definition, spelled out: rank every joint draw, take numpy's quantiles per agency."""
    canonical = np.lexsort((b, a))
    sample = np.random.default_rng(seed).beta(a[canonical], b[canonical], size=(draws, len(a)))
    ranks = np.empty_like(sample)
    for row in range(draws):
        ranks[row] = sps.rankdata(-sample[row], method="ordinal")
    tail = (1.0 - level) / 2.0
    low, high = np.empty(len(a)), np.empty(len(a))
    low[canonical] = np.quantile(ranks, tail, axis=0, method="lower")
    high[canonical] = np.quantile(ranks, 1.0 - tail, axis=0, method="higher")
    point = sps.rankdata(-(a / (a + b)), method="average")
    return point, np.minimum(low, np.floor(point)), np.maximum(high, np.ceil(point))


@pytest.mark.parametrize(
    ("count", "draws", "seed", "level"), [(40, 1000, 7, 0.95), (300, 400, 11, 0.9), (5, 33, 2, 0.5)]
)
def test_ranges_equal_the_straightforward_definition(count, draws, seed, level):
    rng = np.random.default_rng(seed + 100)
    a = rng.uniform(1, 400, count)
    b = a * rng.uniform(0.05, 0.5, count)
    expected = straightforward_rank_ranges(a, b, draws, seed, level)
    actual = rank_ranges(a, b, np.ones(count, bool), draws=draws, seed=seed, level=level)
    for got, want in zip(actual, expected, strict=True):
        np.testing.assert_array_equal(got, want)
