"""Empirical-Bayes beta-binomial scores (METHODOLOGY §6).

The peer group's true shares are modelled as Beta(alpha, beta); alpha and beta are
fitted by maximum likelihood of the beta-binomial (Williams 1975; Skellam 1948),
and each agency is scored by its Beta(alpha + x, beta + n - x) posterior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special
from scipy import stats as sps

from ranking._arrays import as_counts

M_MIN = 1e-3
M_MAX = 1e6
# |logit mu| <= 20 keeps the search finite if nearly every answer is one-sided.
LOGIT_MU_BOUND = 20.0
MIN_AGENCIES_FOR_FIT = 3
JEFFREYS = 0.5
# Tight tolerances: the likelihood is flat along M, and the analytic gradient
# lets L-BFGS-B reach the optimum to ~1e-7 relative instead of stopping early.
DEFAULT_OPTIONS: dict[str, Any] = {"maxiter": 1000, "ftol": 1e-14, "gtol": 1e-9}


@dataclass(frozen=True)
class BetaFit:
    """Peer-group prior Beta(alpha, beta), its negative log-likelihood and provenance.

    `method` is "mle", "jeffreys" (fewer than 3 agencies with answers),
    "jeffreys-boundary" (every answer in the group satisfied, or none),
    "fallback-moments" or "fallback-jeffreys" (optimiser failed; converged=False).
    """

    alpha: float
    beta: float
    nll: float
    converged: bool
    method: str

    @property
    def mean(self) -> float:
        """Prior mean mu = alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        """Prior sample size M = alpha + beta."""
        return self.alpha + self.beta


def _stirling_tail(w: np.ndarray) -> np.ndarray:
    """log Gamma(w) minus its Stirling leading terms, for w >= 10 (error < 1e-13)."""
    inv = 1.0 / w
    inv2 = inv * inv
    series = 1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188)
    return inv * (1 / 12 - inv2 * (1 / 360 - inv2 * series))


def _log_rising(z: np.ndarray | float, k: np.ndarray) -> np.ndarray:
    """log Gamma(z + k) - log Gamma(z), the log rising factorial, for z > 0, k >= 0.

    For z >= 10 it uses Stirling's series written so that nothing of size
    z log z cancels: the plain difference of log-gammas carries rounding noise of
    ~1e-9 once alpha + beta is near 1e6, enough to derail the line search.
    """
    z_arr, k_arr = np.broadcast_arrays(np.asarray(z, dtype=float), k)
    large = z_arr >= 10.0
    z_big = np.where(large, z_arr, 10.0)
    stirling = (
        k_arr * np.log(z_big)
        + ((z_big + k_arr - 0.5) * np.log1p(k_arr / z_big) - k_arr)
        + (_stirling_tail(z_big + k_arr) - _stirling_tail(z_big))
    )
    z_small = np.where(large, 1.0, z_arr)
    direct = special.gammaln(z_small + k_arr) - special.gammaln(z_small)
    return np.where(large, stirling, direct)


def _loglik_terms(x: np.ndarray, n: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """Per-agency beta-binomial log-likelihood log P(x | n, alpha, beta)."""
    log_binom = special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
    return log_binom + _log_rising(alpha, x) + _log_rising(beta, n - x) - _log_rising(alpha + beta, n)


def beta_binomial_nll(x: ArrayLike, n: ArrayLike, alpha: float, beta: float) -> float:
    """Negative log-likelihood of counts under a beta-binomial (as scipy betabinom)."""
    x_arr, n_arr = as_counts(x, n)
    # + 0.0 turns the -0.0 of an empty group into 0.0.
    return float(-np.sum(_loglik_terms(x_arr, n_arr, alpha, beta))) + 0.0


def _objective(theta: np.ndarray, x: np.ndarray, n: np.ndarray) -> tuple[float, np.ndarray]:
    """Beta-binomial NLL in (logit mu, log M) and its analytic gradient."""
    mu = special.expit(theta[0])
    m = np.exp(theta[1])
    a, b = mu * m, (1.0 - mu) * m
    nll = -np.sum(_loglik_terms(x, n, a, b))
    common = special.digamma(m) - special.digamma(n + m)
    d_a = np.sum(special.digamma(x + a) - special.digamma(a) + common)
    d_b = np.sum(special.digamma(n - x + b) - special.digamma(b) + common)
    # Chain rule: da/dlogit = a(1 - mu), db/dlogit = -b mu, da/dlogM = a, db/dlogM = b.
    grad = -np.array([(d_a - d_b) * m * mu * (1.0 - mu), d_a * a + d_b * b])
    return float(nll), grad


def _moments_fit(x: np.ndarray, n: np.ndarray, mu: float) -> tuple[float, float] | None:
    """Moment estimate of (alpha, beta) from the spread of shares, or None.

    Matches sum n_i (p_i - mu)^2 to its expectation
    mu(1 - mu)[(I - 1) + rho(N - sum n_i^2 / N - (I - 1))], rho = 1 / (M + 1).
    """
    count = x.size
    total = n.sum()
    spread = np.sum(n * (x / n - mu) ** 2) / (mu * (1.0 - mu))
    denom = total - np.sum(n**2) / total - (count - 1)
    if not (denom > 0 and np.isfinite(spread)):
        return None
    rho = np.clip((spread - (count - 1)) / denom, 1.0 / (M_MAX + 1), 1.0 / (M_MIN + 1))
    m = 1.0 / rho - 1.0
    return mu * m, (1.0 - mu) * m


def _newton_polish(
    theta: np.ndarray,
    x: np.ndarray,
    n: np.ndarray,
    bounds: list[tuple[float, float]],
    max_steps: int = 10,
) -> np.ndarray | None:
    """Finish an L-BFGS-B run that stopped "ABNORMAL" near the optimum.

    The NLL is a small sum of large terms, so its rounding noise can defeat the
    line search while the analytic gradient is still accurate. Newton steps on
    the gradient (Hessian by central differences, free coordinates only) then
    finish the job; returns None if the Hessian is not positive definite or the
    Newton decrement does not fall below 1e-12 within `max_steps`.
    """
    lower = np.array([b[0] for b in bounds])
    upper = np.array([b[1] for b in bounds])
    h = 1e-5
    for _ in range(max_steps):
        grad = _objective(theta, x, n)[1]
        # At an active bound only a gradient pointing back inside matters.
        pinned = ((theta <= lower) & (grad > 0)) | ((theta >= upper) & (grad < 0))
        free = ~pinned
        if not free.any():
            return theta
        hess = np.empty((theta.size, theta.size))
        for j in range(theta.size):
            shift = np.zeros_like(theta)
            shift[j] = h
            plus = _objective(theta + shift, x, n)[1]
            minus = _objective(theta - shift, x, n)[1]
            hess[:, j] = (plus - minus) / (2 * h)
        sub = 0.5 * (hess + hess.T)[np.ix_(free, free)]
        if not (np.all(np.isfinite(sub)) and np.all(np.linalg.eigvalsh(sub) > 0)):
            return None
        step = np.zeros_like(theta)
        step[free] = np.linalg.solve(sub, grad[free])
        theta = np.clip(theta - step, lower, upper)
        # Newton decrement g'H^-1 g: twice the NLL still to gain by moving.
        if grad[free] @ step[free] <= 1e-12 or np.max(np.abs(step)) <= 1e-8:
            return theta
    return None


def fit_beta_binomial(
    x: ArrayLike,
    n: ArrayLike,
    start_mu: float | None = None,
    start_m: float = 10.0,
    *,
    options: dict[str, Any] | None = None,
) -> BetaFit:
    """Maximum-likelihood Beta(alpha, beta) prior for a peer group (beta-binomial).

    Uses agencies with n >= 1; L-BFGS-B on (logit mu, log M) with M in
    [1e-3, 1e6], starting at mu = p-bar, M = 10. `options` go to scipy's
    L-BFGS-B (e.g. {"maxiter": 0} to exercise the fallback).
    """
    x_all, n_all = as_counts(x, n)
    used = n_all > 0
    x_arr, n_arr = x_all[used], n_all[used]

    def result(alpha: float, beta: float, converged: bool, method: str) -> BetaFit:
        nll = beta_binomial_nll(x_arr, n_arr, alpha, beta)
        return BetaFit(float(alpha), float(beta), nll, converged, method)

    if x_arr.size < MIN_AGENCIES_FOR_FIT:
        return result(JEFFREYS, JEFFREYS, True, "jeffreys")
    p_bar = x_arr.sum() / n_arr.sum()
    if p_bar in (0.0, 1.0):
        # The MLE sits at mu = 0 or 1: a prior claiming certainty. Jeffreys keeps
        # honest intervals when a whole group answered one way.
        return result(JEFFREYS, JEFFREYS, True, "jeffreys-boundary")

    mu0 = p_bar if start_mu is None else start_mu
    # Clamping keeps logit(mu0) finite and inside the search box.
    lim = special.expit(LOGIT_MU_BOUND)
    mu0 = float(np.clip(mu0, 1.0 - lim, lim))
    m0 = float(np.clip(start_m, M_MIN, M_MAX))
    bounds = [(-LOGIT_MU_BOUND, LOGIT_MU_BOUND), (np.log(M_MIN), np.log(M_MAX))]
    theta: np.ndarray | None = None
    try:
        with np.errstate(all="ignore"):
            res = optimize.minimize(
                _objective,
                np.array([special.logit(mu0), np.log(m0)]),
                args=(x_arr, n_arr),
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={**DEFAULT_OPTIONS, **(options or {})},
            )
            if res.status == 0:
                theta = res.x
            elif res.status == 2:
                theta = _newton_polish(res.x, x_arr, n_arr, bounds)
    except (ValueError, FloatingPointError, ArithmeticError, np.linalg.LinAlgError):
        theta = None
    if theta is not None and np.all(np.isfinite(theta)):
        mu = special.expit(theta[0])
        m = np.exp(theta[1])
        fit = result(mu * m, (1.0 - mu) * m, True, "mle")
        if np.isfinite(fit.nll):
            return fit

    moments = _moments_fit(x_arr, n_arr, p_bar)
    if moments is not None:
        return result(*moments, False, "fallback-moments")
    return result(JEFFREYS, JEFFREYS, False, "fallback-jeffreys")


def posterior_summary(
    x: ArrayLike, n: ArrayLike, fit: BetaFit, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and equal-tailed credible interval of Beta(alpha + x, beta + n - x).

    Conjugate beta-binomial update (Gelman et al., BDA3, ch. 2); NaN where n == 0.
    An equal-tailed interval can exclude the mean only for extreme posteriors
    (alpha + x or beta + n - x far below 1, i.e. a fitted M near its lower bound).
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    x_arr, n_arr = as_counts(x, n)
    has_data = n_arr > 0
    a_post = np.where(has_data, fit.alpha + x_arr, np.nan)
    b_post = np.where(has_data, fit.beta + n_arr - x_arr, np.nan)
    tail = (1.0 - level) / 2.0
    score = a_post / (a_post + b_post)
    low = sps.beta.ppf(tail, a_post, b_post)
    high = sps.beta.ppf(1.0 - tail, a_post, b_post)
    return score, low, high
