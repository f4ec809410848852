"""Between-agency spread for the funnel bands (method 2.0.0, §M2.3).

Every agency's true rate is modelled as Beta(m_i M, (1 - m_i) M) around its own
leave-one-out expected rate moved by a common shift, m_i = expit(logit e_i + d);
the shift d and the prior strength M (between-agency variance
e(1 - e)/(M + 1)) are fitted by maximum likelihood of the beta-binomial
(Williams 1975; Skellam 1948). No winsorising: instead a robust start (the
median of squared standardised residuals, Rousseeuw & Croux 1993 in spirit)
and an iterative refit that leaves out agencies beyond the 99% predictive
limits, then one last refit on all agencies inside the core fit's 99.8%
limits, so real outliers neither mask themselves nor inflate the spread
(in the spirit of Spiegelhalter et al. 2012, §4, and the forward search of
Atkinson & Riani 2000). Fitting the shift keeps a failing minority from
dragging the centre as well.
The exclusion level (99%, not 99.8%) was chosen by simulation
(docs/methodology-v2.md): at 99.8% a 10% failing minority still masks itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from ranking.bayes import _log_rising
from ranking.v2.predictive import screening_tails

# Median of a chi-square with one degree of freedom: the robust start matches it.
CHI2_1_MEDIAN = float(stats.chi2.ppf(0.5, 1))


@dataclass(frozen=True)
class SpreadFit:
    """Fitted centre shift and prior strength M for the bands, and which agencies the fit kept.

    Agency i is compared with mean expit(logit(e_i) + shift). `strength` is inf
    when the agencies show no real spread (plain binomial). `kept` marks agencies
    inside the exclusion limits at the final fit; `iterations` counts refits;
    `converged` is False if the kept set still changed at the cap.
    """

    shift: float
    strength: float
    start: float
    kept: np.ndarray
    iterations: int
    converged: bool


def shifted(e: np.ndarray, shift: float) -> np.ndarray:
    """expit(logit(e) + shift), the expected rates moved by the group's centre shift."""
    return special.expit(special.logit(e) + shift)


def _nll(theta: np.ndarray, x: np.ndarray, n: np.ndarray, logit_e: np.ndarray) -> float:
    """Beta-binomial negative log-likelihood in (shift, log M) (constants dropped)."""
    mean = special.expit(logit_e + theta[0])
    m = np.exp(theta[1])
    a, b = mean * m, (1.0 - mean) * m
    return float(-np.sum(_log_rising(a, x) + _log_rising(b, n - x) - _log_rising(m, n)))


def ml_fit(
    x: np.ndarray,
    n: np.ndarray,
    e: np.ndarray,
    start: tuple[float, float],
    m_min: float,
    m_max: float,
) -> tuple[float, float]:
    """Maximum-likelihood (shift, M), M in [m_min, m_max] (L-BFGS-B); M = inf at the upper bound."""
    logit_e = special.logit(e)
    lo_m, hi_m = np.log(m_min), np.log(m_max)
    theta0 = np.array([start[0], np.clip(np.log(min(start[1], m_max)), lo_m, hi_m)])
    res = optimize.minimize(
        _nll,
        theta0,
        args=(x, n, logit_e),
        method="L-BFGS-B",
        bounds=[(-10.0, 10.0), (lo_m, hi_m)],
        options={"ftol": 1e-13, "gtol": 1e-8, "maxiter": 500},
    )
    shift, log_m = float(res.x[0]), float(res.x[1])
    if log_m >= hi_m - 1e-6 or _nll(np.array([shift, hi_m]), x, n, logit_e) <= res.fun:
        return shift, np.inf
    return shift, float(np.exp(log_m))


def robust_start(x: np.ndarray, n: np.ndarray, e: np.ndarray, m_min: float, m_max: float) -> tuple[float, float]:
    """Median-based start: the centre shift, then M where the median squared residual is chi2(1)'s median.

    shift = median over agencies of logit((x + 1/2)/(n + 1)) - logit(e); then
    r_i = (x_i - n_i m_i) / sqrt(n_i m_i (1 - m_i) (1 + (n_i - 1)/(M + 1))). Medians ignore
    up to half the agencies, so a failing minority moves neither.
    """
    shift = float(np.median(special.logit((x + 0.5) / (n + 1.0)) - special.logit(e)))
    mean = shifted(e, shift)
    resid2 = (x - n * mean) ** 2 / (n * mean * (1.0 - mean))

    def excess(log_m: float) -> float:
        m = np.inf if log_m >= np.log(m_max) else np.exp(log_m)
        return float(np.median(resid2 / (1.0 + (n - 1.0) / (m + 1.0))) - CHI2_1_MEDIAN)

    lo, hi = np.log(m_min), np.log(m_max)
    if excess(hi) <= 0.0:
        return shift, np.inf
    if excess(lo) >= 0.0:
        return shift, m_min
    return shift, float(np.exp(optimize.brentq(excess, lo, hi, xtol=1e-10)))


def fit_spread(
    x: np.ndarray,
    n: np.ndarray,
    e: np.ndarray,
    *,
    exclude_tail: float,
    final_tail: float,
    m_min: float,
    m_max: float,
    max_iter: int,
) -> SpreadFit:
    """Robust ML centre and prior strength: refit leaving out agencies with a mid-p tail below `exclude_tail`.

    Inputs are the agencies that enter the fit (n >= 1, e in (0, 1)). Starts at the
    robust median estimates; each round flags with the current fit and refits on
    the rest, until the kept set repeats (at most `max_iter` rounds). A last refit
    uses every agency whose tails under that core fit are >= `final_tail`.
    """
    shift, start = robust_start(x, n, e, m_min, m_max)
    strength = start
    converged = False
    seen: list[np.ndarray] = []
    iteration = 0
    tails = None  # the tails under the current (shift, strength), while they are current
    for iteration in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        # Only which agencies are kept depends on these tails: the screening sums decide it.
        log_low, log_high = tails = screening_tails(x, n, shifted(e, shift), strength)
        kept = np.minimum(log_low, log_high) >= np.log(exclude_tail)
        if any(np.array_equal(kept, old) for old in seen):
            converged = True
            break
        seen.append(kept)
        if kept.sum() < 2:
            break
        shift, strength = ml_fit(x[kept], n[kept], e[kept], (shift, strength), m_min, m_max)
        tails = None
    # Final refit on every agency inside the wider `final_tail` limits of the core fit: agencies
    # between the two limits are ordinary tail members, and leaving them out would shrink the
    # spread (5-10% too little in clean groups); true outliers stay beyond the wider limits.
    # The loop usually ends on tails of the fit it kept, and those are reused, not recomputed.
    log_low, log_high = tails or screening_tails(x, n, shifted(e, shift), strength)
    kept = np.minimum(log_low, log_high) >= np.log(final_tail)
    if kept.sum() >= 2:
        shift, strength = ml_fit(x[kept], n[kept], e[kept], (shift, strength), m_min, m_max)
    return SpreadFit(shift, strength, start, kept, iteration, converged)
