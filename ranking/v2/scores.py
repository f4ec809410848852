"""Empirical-Bayes scores that carry hyperparameter uncertainty (method 2.0.0, §M2.5).

Agency i's true rate theta_i ~ Beta(m_i M, (1 - m_i) M) with m_i = expit(logit mu + c_i)
(c_i its case-mix odds offset). Instead of plugging in the maximum-likelihood
(mu, M), the hyperparameters get a posterior on a deterministic 2-D grid over
(logit mu, log M) with Gelman et al.'s prior p(mu, M) ∝ M^(-3/2) (BDA3 §5.3, the
rat-tumour example); each agency's posterior is the grid-weighted mixture of
its conjugate Beta posteriors. When agencies barely differ the grid still holds
moderate M, so intervals no longer collapse to ±0.2 pp.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.optimize import elementwise

from ranking.bayes import _log_rising

JEFFREYS = 0.5
# Stands for M = inf in the grid: Beta posteriors this strong are the group mean itself.
SPIKE_STRENGTH = 1e9


@dataclass(frozen=True)
class GridPosterior:
    """Per-agency posterior summaries of theta_i (unadjusted) and group figures.

    mean, sd, low, high: mixture posterior mean, SD and equal-tailed quantiles
    (NaN where n == 0). alpha, beta: the grid's most probable prior; tau2_logit:
    posterior mean of the between-agency variance of logit(theta); nll: beta-binomial
    negative log-likelihood at the mode; method: "grid", "jeffreys" (fewer than 3
    agencies) or "jeffreys-boundary" (all answers one way).
    """

    mean: np.ndarray
    sd: np.ndarray
    low: np.ndarray
    high: np.ndarray
    alpha: float
    beta: float
    tau2_logit: float
    nll: float
    grid_points: int
    method: str


@dataclass(frozen=True)
class HyperPrior:
    """Prior on (mu, M) and the grid that integrates it.

    mu is flat; M has density ∝ M^(-power) on [m_min, m_max] (power 1.5 is Gelman
    et al.'s p(alpha, beta) ∝ (alpha + beta)^(-5/2), roughly flat in the between-agency
    SD) plus a point mass `spike` at M = inf ("the agencies do not differ"), so
    that when they do not, the posterior can say so instead of settling on a
    moderate M. Each agency's own prior is the group Beta with probability
    1 - `contamination`, else uniform.
    """

    m_min: float
    m_max: float
    m_points: int
    mu_points: int
    mu_width: float
    power: float
    spike: float
    contamination: float
    keep_mass: float

    def spike_mass(self) -> float:
        """Point mass at M = inf, scaled against the continuous part's total mass."""
        if self.power == 1.0:
            slab = np.log(self.m_max / self.m_min)
        else:
            slab = (self.m_min ** (1.0 - self.power) - self.m_max ** (1.0 - self.power)) / (self.power - 1.0)
        return self.spike / (1.0 - self.spike) * slab


def _log_choose(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    return special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)


def _grid(
    x: np.ndarray, n: np.ndarray, offset: np.ndarray, m_grid: np.ndarray, mu_points: int, width: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid nodes (logit mu, M) and each node's log width in logit mu, one row of mu nodes per M.

    Each row is centred on the precision-weighted mean of the agencies' empirical
    logits (offsets removed) under that M, half-width `width` standard errors.
    """
    emp = np.log((x + 0.5) / (n - x + 0.5)) - offset
    p_bar = float(np.clip(x.sum() / n.sum(), 0.01, 0.99))
    within = 1.0 / (n * p_bar * (1.0 - p_bar))
    logit_mu, strength, log_width = [], [], []
    for m in m_grid:
        weight = 1.0 / (within + 1.0 / (p_bar * (1.0 - p_bar) * (m + 1.0)))
        centre = float(np.sum(weight * emp) / weight.sum())
        se = float(np.sqrt(1.0 / weight.sum()))
        nodes = centre + se * np.linspace(-width, width, mu_points)
        logit_mu.append(nodes)
        strength.append(np.full(mu_points, m))
        log_width.append(np.full(mu_points, np.log(nodes[1] - nodes[0])))
    return np.concatenate(logit_mu), np.concatenate(strength), np.concatenate(log_width)


def _mixture_quantile(
    target: float, a: np.ndarray, b: np.ndarray, w: np.ndarray, mean: np.ndarray, sd: np.ndarray
) -> np.ndarray:
    """Quantile of each row's Beta mixture sum_g w_ig Beta(a_ig, b_ig), by Chandrupatla's method.

    The bracket comes from Cantelli's inequality applied to every component: no
    component's `target` quantile lies further than k = sqrt(max(t, 1-t)/min(t, 1-t))
    SDs from its mean, so neither does the mixture's.
    """
    k = np.sqrt(max(target, 1.0 - target) / min(target, 1.0 - target))
    lo = np.clip(np.min(mean - k * sd, axis=1), 0.0, 1.0)
    hi = np.clip(np.max(mean + k * sd, axis=1), 0.0, 1.0)

    def excess(q: np.ndarray, row: np.ndarray) -> np.ndarray:
        rows = row.astype(np.intp)
        return np.sum(w[rows] * special.betainc(a[rows], b[rows], q[..., None]), axis=-1) - target

    res = elementwise.find_root(
        excess, (lo, hi), args=(np.arange(a.shape[0], dtype=float),), tolerances={"xatol": 1e-11, "xrtol": 1e-11}
    )
    return np.asarray(res.x, dtype=float)


def _weighted_grid(
    x: np.ndarray,
    n: np.ndarray,
    offset: np.ndarray,
    m_grid: np.ndarray,
    prior: HyperPrior,
) -> tuple[np.ndarray, ...]:
    """Nodes, per-agency log-likelihoods and log posterior weight of every grid node.

    The nodes are the rows of `m_grid` (the continuous part of the prior on M)
    plus one row at M = SPIKE_STRENGTH carrying the prior's point mass.
    """
    rows = np.append(m_grid, SPIKE_STRENGTH)
    logit_mu, strength, log_width = _grid(x, n, offset, rows, prior.mu_points, prior.mu_width)
    mean_i = special.expit(logit_mu[None, :] + offset[:, None])
    a = mean_i * strength[None, :]
    b = (1.0 - mean_i) * strength[None, :]
    log_choose = _log_choose(x, n)[:, None]
    ll_group = log_choose + _log_rising(a, x[:, None]) + _log_rising(b, (n - x)[:, None])
    ll_group -= _log_rising(strength[None, :], n[:, None])
    # The uniform component's marginal likelihood is 1 / (n + 1) whatever x is.
    eps = prior.contamination
    ll_unif = np.log(eps) - np.log(n + 1.0) if eps > 0 else np.full(x.size, -np.inf)
    ll_mix = np.logaddexp(np.log1p(-eps) + ll_group, ll_unif[:, None])
    loglik = ll_mix.sum(axis=0)
    mu = special.expit(logit_mu)
    # Flat in mu (density mu(1 - mu) per unit of logit mu); in M, density ∝ M^(-power)
    # per unit of M, i.e. M^(1 - power) per unit of log M, times the row spacing.
    step_log_m = float(np.log(m_grid[1] / m_grid[0])) if m_grid.size > 1 else 1.0
    log_mass_m = (1.0 - prior.power) * np.log(strength) + np.log(step_log_m)
    log_mass_m = np.where(strength == SPIKE_STRENGTH, np.log(prior.spike_mass()), log_mass_m)
    log_prior = np.log(mu) + np.log1p(-mu) + log_width + log_mass_m
    return logit_mu, strength, a, b, ll_unif, ll_mix, loglik, loglik + log_prior


def grid_posterior(
    x: np.ndarray, n: np.ndarray, offset: np.ndarray, *, level: float, prior: HyperPrior, temper: float
) -> GridPosterior:
    """Hierarchical beta-binomial posterior of every agency's rate, on a (logit mu, log M) grid.

    x, n, offset: agencies with answers only; `prior` as `HyperPrior`. The grid
    weight of a node is likelihood x prior x cell size; nodes are kept, largest
    first, until they hold `prior.keep_mass` of the total. Each agency's posterior
    mixes, over the kept nodes, the conjugate Beta posterior whose prior is the
    group Beta with its strength divided by `temper` (a power prior, Ibrahim & Chen
    2000: it keeps the truly extreme agencies inside their intervals), and the
    uniform component's Beta(1 + x, 1 + n - x). Quantiles at (1 -/+ level)/2 are
    roots of the mixture CDF (Chandrupatla 1997, scipy's elementwise find_root).
    """
    tail = (1.0 - level) / 2.0
    if x.size < 3 or x.sum() in (0.0, n.sum()):
        a, b = JEFFREYS + x, JEFFREYS + n - x
        low, high = special.betaincinv(a, b, tail), special.betaincinv(a, b, 1.0 - tail)
        sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))
        method = "jeffreys" if x.size < 3 else "jeffreys-boundary"
        nll = float(-np.sum(_log_choose(x, n) + special.betaln(a, b) - special.betaln(JEFFREYS, JEFFREYS)))
        return GridPosterior(a / (a + b), sd, low, high, JEFFREYS, JEFFREYS, np.nan, nll, 0, method)

    # Two passes: a coarse grid over [m_min, m_max] finds where the posterior of M lies,
    # then a grid of the same size covers that range (one coarse step beyond each end).
    coarse = np.geomspace(prior.m_min, prior.m_max, prior.m_points)
    log_w = _weighted_grid(x, n, offset, coarse, prior)[-1]
    row_mass = np.exp(log_w - log_w.max()).reshape(prior.m_points + 1, prior.mu_points).sum(axis=1)[:-1]
    alive = np.flatnonzero(row_mass >= row_mass.max() * (1.0 - prior.keep_mass))
    lo_row, hi_row = max(alive[0] - 1, 0), min(alive[-1] + 1, prior.m_points - 1)
    fine = np.geomspace(coarse[lo_row], coarse[hi_row], prior.m_points)
    logit_mu, strength, a, b, ll_unif, ll_mix, loglik, log_w = _weighted_grid(x, n, offset, fine, prior)
    mu = special.expit(logit_mu)
    mode = int(np.argmax(log_w))
    weight = np.exp(log_w - log_w[mode])
    weight /= weight.sum()
    # Per agency and node: the chance the agency is from the group Beta (else uniform).
    from_unif = np.exp(ll_unif[:, None] - ll_mix)
    node_w = weight[None, :] * (1.0 - from_unif)
    a_node = a / temper + x[:, None]
    b_node = b / temper + (n - x)[:, None]
    node_mean = a_node / (a_node + b_node)
    node_m2 = node_mean * (1.0 - node_mean) / (a_node + b_node + 1.0) + node_mean**2
    # Within each row of M the mixture over mu is one smooth bump: collapse it to the
    # Beta with its mean and variance (the spike row's Betas are point masses, so its
    # nodes alone would make the quantiles jump from node to node).
    rows = prior.m_points + 1
    row_w = node_w.reshape(x.size, rows, -1).sum(axis=2)
    safe_w = np.where(row_w > 0, row_w, 1.0)
    row_mean = (node_w * node_mean).reshape(x.size, rows, -1).sum(axis=2) / safe_w
    row_m2 = (node_w * node_m2).reshape(x.size, rows, -1).sum(axis=2) / safe_w
    row_var = np.maximum(row_m2 - row_mean**2, 1e-300)
    total = np.maximum(row_mean * (1.0 - row_mean) / row_var - 1.0, 1e-6)
    keep = np.flatnonzero(row_w.max(axis=0) >= 1.0 - prior.keep_mass)
    w = np.concatenate([row_w[:, keep], 1.0 - row_w.sum(axis=1, keepdims=True)], axis=1)
    w = np.maximum(w, 0.0)
    a_post = np.concatenate([row_mean[:, keep] * total[:, keep], 1.0 + x[:, None]], axis=1)
    b_post = np.concatenate([(1.0 - row_mean[:, keep]) * total[:, keep], 1.0 + (n - x)[:, None]], axis=1)
    comp_mean = a_post / (a_post + b_post)
    comp_var = comp_mean * (1.0 - comp_mean) / (a_post + b_post + 1.0)
    mean = np.sum(w * comp_mean, axis=1) / w.sum(axis=1)
    var = np.maximum(np.sum(w * (comp_var + comp_mean**2), axis=1) / w.sum(axis=1) - mean**2, 0.0)
    w = w / w.sum(axis=1, keepdims=True)
    comp_sd = np.sqrt(comp_var)
    low = _mixture_quantile(tail, a_post, b_post, w, comp_mean, comp_sd)
    high = _mixture_quantile(1.0 - tail, a_post, b_post, w, comp_mean, comp_sd)

    tau2 = float(np.sum(weight * (special.polygamma(1, mu * strength) + special.polygamma(1, (1 - mu) * strength))))
    alpha, beta = float(mu[mode] * strength[mode]), float((1.0 - mu[mode]) * strength[mode])
    nll = float(-loglik[mode])
    return GridPosterior(mean, np.sqrt(var), low, high, alpha, beta, tau2, nll, int(keep.size), "grid")
