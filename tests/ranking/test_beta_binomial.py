"""Empirical-Bayes beta-binomial fit and posterior summaries."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from ranking.bayes import (
    BetaFit,
    beta_binomial_nll,
    fit_beta_binomial,
    posterior_summary,
)

X = np.array([45, 88, 130, 20, 9, 300, 61, 140])
N = np.array([60, 100, 150, 30, 10, 330, 80, 200])


def test_worked_example_nll_matches_reference():
    fit = fit_beta_binomial(X, N)
    assert (fit.method, fit.converged) == ("mle", True)
    assert fit.nll == pytest.approx(26.7191096, abs=1e-6)


def test_worked_example_alpha_beta_match_reference_to_the_flatness_of_the_likelihood():
    # METHODOLOGY gives alpha = 20.7044758, beta = 5.0256747. Those come from a
    # finite-difference L-BFGS-B stop: the likelihood is flat along M = alpha + beta
    # (both points have the same NLL to 1e-9). Our analytic-gradient fit solves
    # the score equations exactly (checked below), 3e-5 from the reference.
    fit = fit_beta_binomial(X, N)
    assert fit.alpha == pytest.approx(20.7044758, abs=5e-5)
    assert fit.beta == pytest.approx(5.0256747, abs=1e-5)
    assert fit.alpha == pytest.approx(20.7044457, abs=1e-6)
    assert fit.beta == pytest.approx(5.0256699, abs=1e-6)
    assert fit.nll <= beta_binomial_nll(X, N, 20.7044758, 5.0256747) + 1e-9


def test_worked_example_fit_solves_the_score_equations():
    fit = fit_beta_binomial(X, N)

    def nll(params):
        return -np.sum(stats.betabinom.logpmf(X, N, params[0], params[1]))

    grad = optimize.approx_fprime([fit.alpha, fit.beta], nll, 1e-6)
    np.testing.assert_allclose(grad, 0, atol=1e-5)


def test_worked_example_nll_agrees_with_scipy_betabinom():
    fit = fit_beta_binomial(X, N)
    scipy_nll = -stats.betabinom.logpmf(X, N, fit.alpha, fit.beta).sum()
    assert fit.nll == pytest.approx(scipy_nll, abs=1e-9)


def test_worked_example_scores_and_intervals():
    fit = fit_beta_binomial(X, N)
    score, low, high = posterior_summary(X, N, fit)
    expected = [0.766410, 0.864586, 0.857590, 0.730385, 0.831356, 0.901539, 0.772764, 0.711932]
    np.testing.assert_allclose(score, expected, atol=1e-6)
    assert (low[4], high[4]) == (pytest.approx(0.694420, abs=1e-6), pytest.approx(0.933373, abs=1e-6))
    assert (low[5], high[5]) == (pytest.approx(0.868559, abs=1e-6), pytest.approx(0.930247, abs=1e-6))


def test_small_agency_is_pulled_toward_group_and_large_barely_moves():
    fit = fit_beta_binomial(X, N)
    score, _, _ = posterior_summary(X, N, fit)
    # Agency 5: 9/10 raw; agency 6: 300/330 raw.
    assert abs(score[4] - 0.9) > 0.05
    assert abs(score[5] - 300 / 330) < 0.01


@pytest.mark.parametrize(("x", "n"), [([], []), ([3], [4]), ([3, 9], [4, 10]), ([3, 0, 9, 0], [4, 0, 10, 0])])
def test_fewer_than_three_agencies_with_answers_use_jeffreys(x, n):
    fit = fit_beta_binomial(x, n)
    assert (fit.alpha, fit.beta, fit.method, fit.converged) == (0.5, 0.5, "jeffreys", True)
    assert np.isfinite(fit.nll)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_all_or_none_satisfied_use_jeffreys_not_a_degenerate_prior(share):
    n = np.array([30, 50, 10, 40])
    fit = fit_beta_binomial(n * share, n)
    assert fit.method == "jeffreys-boundary"
    score, low, high = posterior_summary(n * share, n, fit)
    assert np.all(np.isfinite(score)) and np.all(high - low > 0.01)


def test_identical_agencies_push_m_to_its_upper_bound():
    fit = fit_beta_binomial(np.full(6, 40), np.full(6, 50))
    assert fit.converged and fit.method == "mle"
    assert fit.strength > 1e5
    assert fit.mean == pytest.approx(0.8, abs=1e-6)


def test_near_degenerate_group_does_not_produce_infinite_logit():
    fit = fit_beta_binomial([30, 50, 10, 39], [30, 50, 10, 40])
    assert fit.converged and np.isfinite(fit.alpha) and np.isfinite(fit.beta)
    assert 0 < fit.mean < 1


def test_extreme_start_values_are_clamped():
    fit = fit_beta_binomial(X, N, start_mu=1.0, start_m=1e9)
    assert fit.converged
    assert fit.alpha == pytest.approx(20.7044457, rel=1e-5)


def test_huge_n_fits():
    fit = fit_beta_binomial([9e8, 8e8, 8.5e8, 7.7e8], [1e9, 1e9, 1e9, 1e9])
    assert fit.converged and np.isfinite(fit.nll)
    score, low, high = posterior_summary([9e8], [1e9], fit)
    assert low[0] < score[0] < high[0] and score[0] == pytest.approx(0.9, abs=1e-6)


def test_optimiser_failure_falls_back_to_moments():
    fit = fit_beta_binomial(X, N, options={"maxiter": 0})
    assert (fit.method, fit.converged) == ("fallback-moments", False)
    assert fit.alpha > 0 and fit.beta > 0 and np.isfinite(fit.nll)
    assert fit.mean == pytest.approx(X.sum() / N.sum())


def test_fallback_to_jeffreys_when_moments_are_undefined():
    # With one answer each, the moment equation has no information about M.
    fit = fit_beta_binomial([1, 0, 1], [1, 1, 1], start_mu=0.2, options={"maxiter": 0})
    assert (fit.method, fit.converged) == ("fallback-jeffreys", False)


def test_posterior_for_agency_without_answers_is_nan():
    fit = BetaFit(2.0, 2.0, 0.0, True, "mle")
    score, low, high = posterior_summary([0, 3], [0, 4], fit)
    assert np.isnan(score[0]) and np.isnan(low[0]) and np.isnan(high[0])
    assert score[1] == pytest.approx(5 / 8)


def test_posterior_level_is_validated():
    with pytest.raises(ValueError, match="level"):
        posterior_summary([1], [2], BetaFit(1, 1, 0, True, "mle"), level=95)


def test_random_groups_converge():
    rng = np.random.default_rng(11)
    for _ in range(30):
        k = rng.integers(3, 200)
        n = rng.integers(0, 2000, k)
        x = rng.binomial(n, rng.beta(rng.uniform(1, 40), rng.uniform(1, 15), k))
        fit = fit_beta_binomial(x, n)
        assert fit.converged, (x, n)


pairs = st.integers(1, 3000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(deadline=None, max_examples=60)
@given(st.lists(pairs, min_size=3, max_size=30))
def test_score_lies_between_raw_share_and_prior_mean(data):
    x, n = (np.array(v, dtype=float) for v in zip(*data, strict=True))
    fit = fit_beta_binomial(x, n)
    score, low, high = posterior_summary(x, n, fit)
    raw = x / n
    lo = np.minimum(raw, fit.mean) - 1e-9
    hi = np.maximum(raw, fit.mean) + 1e-9
    assert np.all((lo <= score) & (score <= hi))
    assert np.all((low >= 0) & (high <= 1))


@settings(deadline=None)
@given(
    st.floats(0.5, 1e4),
    st.floats(0.5, 1e4),
    st.lists(pairs, min_size=1, max_size=20),
)
def test_credible_interval_contains_score(alpha, beta, data):
    # Equal-tailed intervals contain the mean unless a posterior shape parameter
    # is far below 1; with a prior of at least Jeffreys' weight they always do.
    x, n = (np.array(v, dtype=float) for v in zip(*data, strict=True))
    score, low, high = posterior_summary(x, n, BetaFit(alpha, beta, 0.0, True, "mle"))
    assert np.all((low >= 0) & (low <= score + 1e-12) & (score <= high + 1e-12) & (high <= 1))
