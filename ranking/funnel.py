"""Funnel-plot bands for proportions and O/E ratios (METHODOLOGY §5).

Arcsine-scale funnel with multiplicative overdispersion estimated from winsorised
z-scores and an additive random-effects term, after Spiegelhalter (2005) and
Spiegelhalter et al. (2012), as implemented in FunnelPlotR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from ranking._arrays import as_counts
from ranking.stats import Z95, Z998

HALF_PI = np.pi / 2.0


@dataclass(frozen=True)
class FunnelResult:
    """Per-agency funnel outputs (NaN or "" where n == 0) and group scalars."""

    rate: np.ndarray
    expected: np.ndarray
    z_raw: np.ndarray
    z: np.ndarray
    limit95_low: np.ndarray
    limit95_high: np.ndarray
    limit998_low: np.ndarray
    limit998_high: np.ndarray
    band: np.ndarray
    phi: float
    tau2: float
    winsor_low: float
    winsor_high: float


def funnel_limits(n: ArrayLike, target: ArrayLike, tau2: float, z_c: float) -> tuple[np.ndarray, np.ndarray]:
    """Arcsine control limits sin^2(t +/- z_c sqrt(1/(4n) + tau2)), Spiegelhalter 2005.

    Broadcasts n against target, so a grid of n draws a funnel curve; the angle
    is clipped to [0, pi/2] so limits stay in [0, 1]. NaN where n <= 0.
    """
    n_arr, t_arr = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(target, dtype=float))
    safe_n = np.where(n_arr > 0, n_arr, np.nan)
    theta = np.arcsin(np.sqrt(np.clip(t_arr, 0.0, 1.0)))
    half_width = z_c * np.sqrt(1.0 / (4.0 * safe_n) + tau2)
    low = np.sin(np.clip(theta - half_width, 0.0, HALF_PI)) ** 2
    high = np.sin(np.clip(theta + half_width, 0.0, HALF_PI)) ** 2
    # sin(pi/2)**2 is exactly 1 in floating point, but make the clip explicit.
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def _tau2(phi: float, weights: np.ndarray) -> float:
    """DerSimonian-Laird style additive variance from phi (Spiegelhalter et al. 2012)."""
    count = weights.size
    if count * phi <= count - 1:
        return 0.0
    denom = weights.sum() - np.sum(weights**2) / weights.sum()
    # With a single agency the denominator is 0: no between-agency spread to estimate.
    if denom <= 0.0:
        return 0.0
    return float((count * phi - (count - 1)) / denom)


def funnel_arcsine(
    x: ArrayLike,
    n: ArrayLike,
    expected: ArrayLike | None = None,
    winsor: float = 0.10,
    *,
    z95: float = Z95,
    z998: float = Z998,
) -> FunnelResult:
    """Arcsine funnel with winsorised overdispersion (Spiegelhalter 2005; FunnelPlotR).

    `expected` defaults to the group share p-bar for every agency. Agencies with
    n == 0 (or a NaN expected rate) stay out of the fit and get NaN / "" outputs.
    """
    x_arr, n_arr = as_counts(x, n)
    if not 0.0 <= winsor < 0.5:
        raise ValueError(f"winsor must be in [0, 0.5), got {winsor}")
    has_data = n_arr > 0
    if expected is None:
        total = n_arr.sum()
        p_bar = x_arr.sum() / total if total > 0 else np.nan
        e_arr = np.full(n_arr.shape, p_bar)
    else:
        e_arr = np.broadcast_to(np.asarray(expected, dtype=float), n_arr.shape).copy()
        if np.any((e_arr < 0) | (e_arr > 1)):
            raise ValueError("expected rates must lie in [0, 1]")
    fit = has_data & np.isfinite(e_arr)
    e_arr = np.where(fit, e_arr, np.nan)

    safe_n = np.where(fit, n_arr, 1.0)
    rate = np.where(has_data, x_arr / np.where(has_data, n_arr, 1.0), np.nan)
    y = np.arcsin(np.sqrt(np.where(fit, rate, 0.0)))
    t = np.arcsin(np.sqrt(np.where(fit, e_arr, 0.0)))
    s2 = 1.0 / (4.0 * safe_n)
    z_raw = np.where(fit, (y - t) / np.sqrt(s2), np.nan)

    if fit.any():
        z_fit = z_raw[fit]
        # Winsorising stops a few extreme agencies inflating phi (Spiegelhalter et al. 2012).
        winsor_low, winsor_high = np.percentile(z_fit, [100 * winsor, 100 * (1 - winsor)])
        phi = float(np.mean(np.clip(z_fit, winsor_low, winsor_high) ** 2))
        tau2 = _tau2(phi, 4.0 * n_arr[fit])
        winsor_low, winsor_high = float(winsor_low), float(winsor_high)
    else:
        phi = tau2 = winsor_low = winsor_high = np.nan

    tau2_used = tau2 if fit.any() else 0.0
    z = np.where(fit, (y - t) / np.sqrt(s2 + tau2_used), np.nan)
    n_fit = np.where(fit, n_arr, np.nan)
    limit95_low, limit95_high = funnel_limits(n_fit, e_arr, tau2_used, z95)
    limit998_low, limit998_high = funnel_limits(n_fit, e_arr, tau2_used, z998)

    # Comparing z with z_c is the same as comparing the rate with the limits,
    # because sin^2 is increasing on [0, pi/2] and y lies in that range.
    band = np.select(
        [~fit, z > z998, z > z95, z < -z998, z < -z95],
        ["", "well_above", "above", "well_below", "below"],
        default="expected",
    ).astype("<U10")

    return FunnelResult(
        rate=rate,
        expected=e_arr,
        z_raw=z_raw,
        z=z,
        limit95_low=limit95_low,
        limit95_high=limit95_high,
        limit998_low=limit998_low,
        limit998_high=limit998_high,
        band=band,
        phi=phi,
        tau2=tau2,
        winsor_low=winsor_low,
        winsor_high=winsor_high,
    )


def poisson_ratio_limits(expected: ArrayLike, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson funnel limits for an observed/expected ratio, as FunnelPlotR.

    Garwood's chi-square interval for a Poisson count around E, divided by E:
    low = chi2_{a}(2E) / 2E, high = chi2_{1-a}(2E + 2) / 2E, with a = (1 - level)/2.
    NaN where E <= 0.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    e_arr = np.asarray(expected, dtype=float)
    safe_e = np.where(e_arr > 0, e_arr, np.nan)
    tail = (1.0 - level) / 2.0
    low = sps.chi2.ppf(tail, 2.0 * safe_e) / (2.0 * safe_e)
    high = sps.chi2.ppf(1.0 - tail, 2.0 * safe_e + 2.0) / (2.0 * safe_e)
    return low, high
