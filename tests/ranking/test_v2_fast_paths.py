"""Method 2's shortcuts change no published figure (issue 16).

* `mid_p_tails` mirrors rows with an expected rate above 1/2 and stops each row's sums where
  the upper tail can no longer matter (`_window_ends`); chunks may run in threads.
* `fit_spread` decides which agencies it keeps with `screening_tails` (the shorter side of each
  count, normalised analytically) and reuses the tails of the fit it kept.
* `league_table` computes the bands, the scores and the rank sets side by side for large groups.

Each is compared with the plain computation (windows, threads and parallel groups switched
off), on random groups that include far outliers, tiny and huge agencies, and every strength.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ranking.stats import Z95, Z998
from ranking.v2 import predictive, table
from ranking.v2.predictive import mid_p_tails, screening_tails
from ranking.v2.table import league_table

TAILS = (float(stats.norm.sf(Z95)), float(stats.norm.sf(Z998)))


def plain_tails(*args):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(predictive, "_WINDOW_SDS", ())
        m.setattr(predictive, "_WORKERS", 1)
        return mid_p_tails(*args)


def random_agencies(seed: int, largest: int, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts, sizes and expected rates: ordinary agencies, and outliers far beyond either limit."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, largest, count).astype(float)
    mean = rng.uniform(0.02, 0.98, count)
    rate = np.where(rng.random(count) < 0.7, rng.beta(mean * 30 + 1, (1 - mean) * 30 + 1), rng.random(count))
    return np.round(rate * size), size, mean


seeds = st.integers(0, 2**32 - 1)
strengths = st.one_of(st.floats(1.0, 1e6), st.just(np.inf))
largest_sizes = st.sampled_from([40, 2_000, 60_000])


@settings(max_examples=60, deadline=None)
@given(seed=seeds, strength=strengths, largest=largest_sizes)
def test_windowed_tails_equal_full_sums(seed, strength, largest):
    x, size, mean = random_agencies(seed, largest, 40)
    got = mid_p_tails(x, size, mean, strength, TAILS)
    want = plain_tails(x, size, mean, strength, TAILS)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-9, atol=1e-12)
    for t in TAILS:
        np.testing.assert_array_equal(got[2][t][0], want[2][t][0])
        np.testing.assert_array_equal(got[2][t][1], want[2][t][1])


def test_threads_change_nothing(monkeypatch):
    rng = np.random.default_rng(7)
    size = rng.integers(30, 30_000, 3_000).astype(float)
    mean = rng.uniform(0.6, 0.95, 3_000)
    x = np.round(rng.beta(mean * 40, (1 - mean) * 40) * size)
    monkeypatch.setattr(predictive, "_WORKERS", 2)
    threaded = mid_p_tails(x, size, mean, 35.0, TAILS)
    monkeypatch.setattr(predictive, "_WORKERS", 1)
    single = mid_p_tails(x, size, mean, 35.0, TAILS)
    for a, b in zip(threaded[:2], single[:2], strict=True):
        np.testing.assert_array_equal(a, b)
    for t in TAILS:
        np.testing.assert_array_equal(threaded[2][t][0], single[2][t][0])


@pytest.mark.parametrize("seed", [1, 2])
def test_parallel_group_equals_serial(monkeypatch, seed):
    rng = np.random.default_rng(seed)
    agencies = 600
    n = np.maximum(1, (rng.pareto(1.2, agencies) * 200).astype(int)).clip(max=20_000)
    n_by = np.floor(rng.dirichlet(np.ones(4), agencies) * n[:, None]).astype(int)
    n_by[:, 0] += n - n_by.sum(axis=1)
    x_by = rng.binomial(n_by, rng.beta(30, 8, agencies)[:, None])
    args = (x_by.sum(axis=1), n)
    kwargs = {"n_by_cat": n_by, "x_by_cat": x_by, "parent_keys": rng.integers(0, 40, agencies)}
    parallel = league_table(*args, **kwargs)
    monkeypatch.setattr(table, "_PARALLEL_AGENCIES", 10**9)
    serial = league_table(*args, **kwargs)
    assert parallel.keys() == serial.keys()
    for key, value in serial.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(parallel[key], value, err_msg=key)
        else:
            assert parallel[key] == value or (value != value and parallel[key] != parallel[key]), key
    assert parallel["ranked"].sum() > 100  # the rank sets were used, not skipped


@settings(max_examples=40, deadline=None)
@given(seed=seeds, strength=strengths, largest=largest_sizes)
def test_screening_tails_decide_like_the_exact_sums(seed, strength, largest):
    x, size, mean = random_agencies(seed, largest, 60)
    low, high = screening_tails(x, size, mean, strength)
    exact_low, exact_high, _ = mid_p_tails(x, size, mean, strength)
    np.testing.assert_allclose(np.exp(low), np.exp(exact_low), rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.exp(high), np.exp(exact_high), rtol=0, atol=1e-9)
    for tail in (0.005, 0.001):  # the fit's two exclusion levels
        np.testing.assert_array_equal(
            np.minimum(low, high) >= np.log(tail), np.minimum(exact_low, exact_high) >= np.log(tail)
        )
