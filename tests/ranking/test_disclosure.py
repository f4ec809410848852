"""Primary and secondary small-count suppression."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ranking.disclosure import (
    disclosure_mask,
    primary_suppression,
    secondary_suppression,
)


def test_primary_hides_one_to_four_but_not_zero_or_five():
    np.testing.assert_array_equal(
        primary_suppression([0, 1, 2, 3, 4, 5, 100]), [False, True, True, True, True, False, False]
    )


def test_primary_threshold_is_configurable():
    np.testing.assert_array_equal(primary_suppression([1, 9, 10], high=9), [True, True, False])


def test_single_hidden_child_pulls_in_the_next_smallest_sibling():
    counts = [3, 50, 12, 40]
    mask = disclosure_mask(counts, ["p"] * 4)
    np.testing.assert_array_equal(mask, [True, False, True, False])


def test_two_hidden_children_need_nothing_more():
    mask = disclosure_mask([3, 2, 12, 40], ["p"] * 4)
    np.testing.assert_array_equal(mask, [True, True, False, False])


def test_groups_are_handled_independently_and_ties_take_the_first():
    counts = [2, 30, 30, 7, 8, 9, 1]
    keys = ["a", "a", "a", "b", "b", "b", "c"]
    mask = disclosure_mask(counts, keys)
    # a: 2 hidden, first of the two 30s joins; b: none hidden; c: a lone child stays alone.
    np.testing.assert_array_equal(mask, [True, True, False, False, False, False, True])


def test_secondary_returns_the_complete_mask_and_keeps_input_hidden():
    hidden = np.array([False, True, False])
    mask = secondary_suppression([10, 20, 30], [1, 1, 1], hidden)
    np.testing.assert_array_equal(mask, [True, True, False])
    assert not hidden[0]


def test_empty_input():
    assert disclosure_mask([], []).shape == (0,)


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 4)), max_size=40))
def test_no_group_of_two_or_more_is_left_with_exactly_one_hidden_child(rows):
    counts = np.array([r[0] for r in rows], dtype=int)
    keys = np.array([r[1] for r in rows], dtype=int)
    mask = disclosure_mask(counts, keys)
    assert np.all(mask[primary_suppression(counts)])
    for key in set(keys.tolist()):
        in_group = keys == key
        if in_group.sum() >= 2:
            assert mask[in_group].sum() != 1
    # Secondary suppression only ever adds one cell per group.
    extra = mask & ~primary_suppression(counts)
    assert all(extra[keys == key].sum() <= 1 for key in set(keys.tolist()))
