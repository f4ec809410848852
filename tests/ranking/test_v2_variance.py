"""Method 2 between-agency spread: ML against scipy, robustness to a failing minority."""

import numpy as np
from scipy import optimize, special, stats

from ranking.v2.casemix import loo_expected
from ranking.v2.variance import fit_spread, ml_fit, robust_start

RNG_SEED = 20261201


def beta_group(rng, mean, sd, size):
    strength = mean * (1 - mean) / sd**2 - 1
    return rng.beta(mean * strength, (1 - mean) * strength, size)


def test_ml_fit_matches_scipy_betabinom_likelihood():
    rng = np.random.default_rng(RNG_SEED)
    n = rng.integers(20, 400, 60).astype(float)
    x = rng.binomial(n.astype(int), beta_group(rng, 0.8, 0.06, 60)).astype(float)
    e = np.full(x.size, 0.78)

    def nll(theta):
        mean = special.expit(special.logit(0.78) + theta[0])
        m = np.exp(theta[1])
        return -stats.betabinom.logpmf(x, n, mean * m, (1 - mean) * m).sum()

    ref = optimize.minimize(nll, [0.0, np.log(30.0)], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12})
    shift, strength = ml_fit(x, n, e, (0.0, 30.0), 0.1, 1e7)
    np.testing.assert_allclose([shift, np.log(strength)], ref.x, atol=1e-4)


def test_no_spread_gives_binomial():
    rng = np.random.default_rng(1)
    n = np.full(200, 100.0)
    x = rng.binomial(100, 0.9, 200).astype(float)
    e, _ = loo_expected(x, n)
    fit = fit_spread(x, n, e, exclude_tail=0.005, final_tail=0.001, m_min=0.1, m_max=1e7, max_iter=20)
    assert fit.strength > 1e3 and fit.converged


def test_failing_minority_does_not_mask_itself():
    rng = np.random.default_rng(RNG_SEED)
    n = np.clip(np.round(np.exp(rng.normal(np.log(150), 1.1, 300))), 5, 5000)
    failing = np.arange(300) < 30
    p = np.where(failing, beta_group(rng, 0.70, 0.05, 300), beta_group(rng, 0.87, 0.03, 300))
    x = rng.binomial(n.astype(int), p).astype(float)
    e, _ = loo_expected(x, n)
    fit = fit_spread(x, n, e, exclude_tail=0.005, final_tail=0.001, m_min=0.1, m_max=1e7, max_iter=20)
    true_m = 0.87 * 0.13 / 0.03**2 - 1
    # Within a factor 1.6 of the clean group's strength; a plain fit would be ~3x too spread.
    assert true_m / 1.6 < fit.strength < true_m * 1.6
    assert np.mean(~fit.kept[failing & (n >= 300)]) >= 0.75


def test_robust_start_ignores_a_tenth_of_outliers():
    n = np.full(100, 200.0)
    x = np.full(100, 170.0)
    x[:10] = 60.0
    e, _ = loo_expected(x, n)
    shift, strength = robust_start(x, n, e, 0.1, 1e7)
    assert np.isinf(strength)
    assert abs(special.expit(special.logit(e[50]) + shift) - 0.85) < 0.005
