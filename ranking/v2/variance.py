"""Between-agency spread for the funnel bands (method 2.0.0, §M2.3).

Every agency's true rate is modelled as Beta(e_i M, (1 - e_i) M) around its own
leave-one-out expected rate e_i; the prior strength M (between-agency variance
e(1 - e)/(M + 1)) is fitted by maximum likelihood of the beta-binomial
(Williams 1975; Skellam 1948). No winsorising: instead a robust start (the
median of squared standardised residuals, Rousseeuw & Croux 1993 in spirit)
and an iterative refit that leaves out agencies beyond the 99.8% predictive
limits, so real outliers neither mask themselves nor inflate the spread
(Spiegelhalter et al. 2012, §4, "outlier-robust estimation").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from ranking.bayes import _log_rising
from ranking.v2.predictive import mid_p_tails

# Median of a chi-square with one degree of freedom: the robust start matches it.
CHI2_1_MEDIAN = float(stats.chi2.ppf(0.5, 1))


@dataclass(frozen=True)
class SpreadFit:
    """Fitted prior strength M for the bands, and which agencies the fit kept.

    `strength` is inf when the agencies show no real spread (plain binomial).
    `kept` marks agencies inside the 99.8% limits at the final fit; `iterations`
    counts refits; `converged` is False if the kept set still changed at the cap.
    """

    strength: float
    start: float
    kept: np.ndarray
    iterations: int
    converged: bool


def _nll_strength(log_m: float, x: np.ndarray, n: np.ndarray, e: np.ndarray) -> float:
    """Beta-binomial negative log-likelihood in log M, means fixed at e (constants dropped)."""
    m = np.exp(log_m)
    a, b = e * m, (1.0 - e) * m
    return float(-np.sum(_log_rising(a, x) + _log_rising(b, n - x) - _log_rising(m, n)))


def ml_strength(x: np.ndarray, n: np.ndarray, e: np.ndarray, m_min: float, m_max: float) -> float:
    """Maximum-likelihood M in [m_min, m_max] (bounded Brent on log M); inf at the upper bound."""
    if x.size == 0:
        return np.inf
    lo, hi = np.log(m_min), np.log(m_max)
    res = optimize.minimize_scalar(
        _nll_strength, bounds=(lo, hi), args=(x, n, e), method="bounded", options={"xatol": 1e-7}
    )
    log_m = float(res.x)
    # Brent never evaluates the bound itself; compare so a flat likelihood goes to the bound.
    if _nll_strength(hi, x, n, e) <= _nll_strength(log_m, x, n, e):
        return np.inf
    return float(np.exp(log_m))


def robust_start(x: np.ndarray, n: np.ndarray, e: np.ndarray, m_min: float, m_max: float) -> float:
    """M at which the median squared standardised residual equals the chi2(1) median.

    r_i = (x_i - n_i e_i) / sqrt(n_i e_i (1 - e_i) (1 + (n_i - 1)/(M + 1))). The median
    ignores up to half the agencies, so a failing minority cannot inflate the start.
    """
    if x.size == 0:
        return np.inf
    resid2 = (x - n * e) ** 2 / (n * e * (1.0 - e))

    def excess(log_m: float) -> float:
        m = np.inf if log_m >= np.log(m_max) else np.exp(log_m)
        return float(np.median(resid2 / (1.0 + (n - 1.0) / (m + 1.0))) - CHI2_1_MEDIAN)

    lo, hi = np.log(m_min), np.log(m_max)
    if excess(hi) <= 0.0:
        return np.inf
    if excess(lo) >= 0.0:
        return m_min
    return float(np.exp(optimize.brentq(excess, lo, hi, xtol=1e-10)))


def fit_spread(
    x: np.ndarray,
    n: np.ndarray,
    e: np.ndarray,
    *,
    exclude_tail: float,
    m_min: float,
    m_max: float,
    max_iter: int,
) -> SpreadFit:
    """Robust ML prior strength: refit leaving out agencies with a mid-p tail below `exclude_tail`.

    Inputs are the agencies that enter the fit (n >= 1, finite e). Starts at the
    robust median estimate; each round flags with the current M and refits on the
    rest, until the kept set repeats (at most `max_iter` rounds).
    """
    start = robust_start(x, n, e, m_min, m_max)
    strength = start
    kept = np.ones(x.size, dtype=bool)
    seen: list[np.ndarray] = []
    for iteration in range(1, max_iter + 1):
        log_low, log_high, _ = mid_p_tails(x, n, e, strength)
        kept = np.minimum(log_low, log_high) >= np.log(exclude_tail)
        if any(np.array_equal(kept, old) for old in seen):
            return SpreadFit(strength, start, kept, iteration, True)
        seen.append(kept)
        strength = ml_strength(x[kept], n[kept], e[kept], m_min, m_max)
    return SpreadFit(strength, start, kept, max_iter, False)
