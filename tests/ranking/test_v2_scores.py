"""Method 2 scores: grid posterior against brute-force integration; intervals that do not collapse."""

import numpy as np
from scipy import optimize, special, stats

from ranking.v2.scores import SPIKE_STRENGTH, HyperPrior, grid_posterior

X = np.array([45.0, 88.0, 130.0, 20.0, 9.0, 300.0, 61.0, 140.0])
N = np.array([60.0, 100.0, 150.0, 30.0, 10.0, 330.0, 80.0, 200.0])
PRIOR = HyperPrior(
    m_min=0.5,
    m_max=1e6,
    m_points=16,
    mu_points=9,
    mu_width=6.0,
    power=1.5,
    spike=0.5,
    contamination=0.0,
    keep_mass=1 - 1e-5,
)


def brute_force(x, n, level=0.95):
    """Posterior of each rate on a fine uniform (mu, log M) grid plus the spike, with scipy only."""
    mu = np.linspace(0.6, 0.97, 200)
    log_m = np.linspace(np.log(0.5), np.log(1e6), 200)
    mm, ll = np.meshgrid(mu, log_m)
    m = np.exp(ll).ravel()
    mu_f = mm.ravel()
    nodes_mu = np.concatenate([mu_f, mu])
    nodes_m = np.concatenate([m, np.full(mu.size, SPIKE_STRENGTH)])
    loglik = stats.betabinom.logpmf(x[:, None], n[:, None], nodes_mu * nodes_m, (1 - nodes_mu) * nodes_m).sum(0)
    slab_total = (0.5**-0.5 - 1e6**-0.5) / 0.5
    d_mu, d_log_m = mu[1] - mu[0], log_m[1] - log_m[0]
    log_prior = np.concatenate([-0.5 * np.log(m) + np.log(d_mu * d_log_m), np.full(mu.size, np.log(slab_total * d_mu))])
    w = np.exp(loglik + log_prior - (loglik + log_prior).max())
    w /= w.sum()
    # Nodes below 1e-12 of the mass change nothing at the tolerances tested.
    keep = w > 1e-12
    w, nodes_mu, nodes_m = w[keep] / w[keep].sum(), nodes_mu[keep], nodes_m[keep]
    a = nodes_mu * nodes_m + x[:, None]
    b = (1 - nodes_mu) * nodes_m + (n - x)[:, None]
    mean = (a / (a + b)) @ w
    tail = (1 - level) / 2

    def quantile(i, t):
        return optimize.brentq(lambda q: stats.beta.cdf(q, a[i], b[i]) @ w - t, 1e-9, 1 - 1e-9, xtol=1e-12)

    low = np.array([quantile(i, tail) for i in range(x.size)])
    high = np.array([quantile(i, 1 - tail) for i in range(x.size)])
    return mean, low, high


def test_grid_posterior_matches_brute_force():
    post = grid_posterior(X, N, np.zeros(X.size), level=0.95, prior=PRIOR, temper=1.0)
    mean, low, high = brute_force(X, N)
    np.testing.assert_allclose(post.mean, mean, atol=1e-3)
    np.testing.assert_allclose(post.low, low, atol=2e-3)
    np.testing.assert_allclose(post.high, high, atol=2e-3)


def test_intervals_contain_the_mean_and_stay_in_unit_interval():
    post = grid_posterior(X, N, np.zeros(X.size), level=0.95, prior=PRIOR, temper=1.75)
    assert np.all((post.low >= 0) & (post.low <= post.mean) & (post.mean <= post.high) & (post.high <= 1))


def test_no_spread_does_not_collapse_small_agencies():
    rng = np.random.default_rng(3)
    n = np.r_[np.full(5, 10.0), np.full(195, 300.0)]
    x = rng.binomial(n.astype(int), 0.85).astype(float)
    post = grid_posterior(x, n, np.zeros(n.size), level=0.95, prior=PRIOR, temper=1.75)
    # Every interval carries at least the uncertainty of the group mean itself, and
    # the small agencies' intervals hold the truth (method 1's stuck M = 1e6 missed it).
    p_bar = x.sum() / n.sum()
    assert np.all(post.high - post.low >= 0.9 * 2 * 1.96 * np.sqrt(p_bar * (1 - p_bar) / n.sum()))
    assert np.all((post.low[:5] <= 0.85) & (post.high[:5] >= 0.85))


def test_offsets_shift_the_prior_mean():
    offset = np.zeros(X.size)
    offset[4] = special.logit(0.6) - special.logit(0.8)
    plain = grid_posterior(X, N, np.zeros(X.size), level=0.95, prior=PRIOR, temper=1.0)
    mixed = grid_posterior(X, N, offset, level=0.95, prior=PRIOR, temper=1.0)
    # Agency 5 (9/10) is now expected lower, so it is pulled less far up... toward a lower mean.
    assert mixed.mean[4] < plain.mean[4]


def test_small_groups_and_one_sided_groups_fall_back_to_jeffreys():
    two = grid_posterior(X[:2], N[:2], np.zeros(2), level=0.95, prior=PRIOR, temper=1.75)
    assert two.method == "jeffreys"
    np.testing.assert_allclose(two.low, stats.beta.ppf(0.025, X[:2] + 0.5, N[:2] - X[:2] + 0.5))
    full = grid_posterior(N, N, np.zeros(N.size), level=0.95, prior=PRIOR, temper=1.75)
    assert full.method == "jeffreys-boundary"
    np.testing.assert_allclose(full.high, stats.beta.ppf(0.975, N + 0.5, 0.5))
