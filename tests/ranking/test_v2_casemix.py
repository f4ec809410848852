"""Method 2 case mix: leave-one-out, shrunk category rates, bounded adjusted rates."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ranking.v2.casemix import loo_expected, odds_offset, remove_offset


def test_leave_one_out_by_hand():
    n = np.array([[10.0, 0.0], [20.0, 10.0], [0.0, 30.0]])
    x = np.array([[9.0, 0.0], [10.0, 5.0], [0.0, 27.0]])
    e, g = loo_expected(x.sum(1), n.sum(1), n, x, shrink=10.0)
    # Agency 0: others' overall (42 + 0.5)/(60 + 1); category 0 others 10/20.
    g0 = 42.5 / 61
    assert g[0] == g0
    assert np.isclose(e[0], (10 + 10 * g0) / (20 + 10))
    # Agency 2 is alone in nothing: category 1 others are agency 1 only (5/10).
    g2 = (24 + 0.5) / (40 + 1)
    assert np.isclose(e[2], (5 + 10 * g2) / (10 + 10))


@settings(deadline=None, max_examples=50)
@given(
    counts=st.lists(st.tuples(st.integers(1, 60), st.integers(0, 60)), min_size=6, max_size=6),
    which=st.integers(0, 2),
    new_x=st.integers(0, 60),
)
def test_expected_never_uses_own_answers(counts, which, new_x):
    n = np.array([c[0] for c in counts], dtype=float).reshape(3, 2)
    x = np.minimum(np.array([c[1] for c in counts], dtype=float).reshape(3, 2), n)
    e, _ = loo_expected(x.sum(1), n.sum(1), n, x)
    x2 = x.copy()
    x2[which, 0] = min(new_x, n[which, 0])
    e2, _ = loo_expected(x2.sum(1), n.sum(1), n, x2)
    assert np.isclose(e[which], e2[which], rtol=1e-12)


def test_alone_in_category_is_not_neutralised():
    # Agency 0 alone in category 1 at 45%; the rest at ~85% in category 0.
    n = np.array([[0.0, 100.0]] + [[100.0, 0.0]] * 9)
    x = np.array([[0.0, 45.0]] + [[85.0, 0.0]] * 9)
    e, g = loo_expected(x.sum(1), n.sum(1), n, x)
    assert e[0] == g[0] and e[0] > 0.84


@settings(deadline=None)
@given(p=st.floats(0, 1), e=st.floats(1e-6, 1 - 1e-6), g=st.floats(1e-6, 1 - 1e-6))
def test_adjusted_rate_bounded(p, e, g):
    adj = remove_offset(p, odds_offset(np.array([e]), np.array([g])))
    assert 0.0 <= adj[0] <= 1.0
    if p in (0.0, 1.0):
        assert adj[0] == p


def test_group_rate_stays_inside_when_all_answers_one_way():
    for share in (0.0, 1.0):
        n = np.full(4, 20.0)
        _, g = loo_expected(share * n, n)
        assert np.all((g > 0) & (g < 1))
