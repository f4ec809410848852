"""One peer group's league table: the full METHODOLOGY chain (§3-§8)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ranking._arrays import as_counts
from ranking.bayes import fit_beta_binomial, posterior_summary
from ranking.casemix import expected_rates
from ranking.disclosure import disclosure_mask
from ranking.funnel import funnel_arcsine
from ranking.ranks import rank_ranges
from ranking.stats import Z95, Z998, wilson_interval
from ranking.version import METHOD_VERSION


@dataclass(frozen=True)
class MethodParams:
    """Parameters of the method, stored with each snapshot so it can be recomputed."""

    version: str = METHOD_VERSION
    z95: float = Z95
    z998: float = Z998
    winsor: float = 0.10
    min_rank_n: int = 30
    rank_draws: int = 4000
    suppress_below: int = 5
    credible_level: float = 0.95

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the parameters (JSON-serialisable)."""
        return asdict(self)


def _case_mix(
    x: np.ndarray,
    n: np.ndarray,
    n_by_cat: ArrayLike | None,
    x_by_cat: ArrayLike | None,
) -> np.ndarray | None:
    """Case-mix expected rates, after checking the matrices match x and n."""
    if n_by_cat is None and x_by_cat is None:
        return None
    if n_by_cat is None or x_by_cat is None:
        raise ValueError("give both n_by_cat and x_by_cat, or neither")
    n_mat = np.asarray(n_by_cat, dtype=float).reshape(n.size, -1)
    x_mat = np.asarray(x_by_cat, dtype=float).reshape(x.size, -1)
    if not (np.allclose(n_mat.sum(axis=1), n) and np.allclose(x_mat.sum(axis=1), x)):
        raise ValueError("category counts must add up to each agency's x and n")
    return expected_rates(n_mat, x_mat)


def league_table(
    x: ArrayLike,
    n: ArrayLike,
    params: MethodParams | None = None,
    *,
    n_by_cat: ArrayLike | None = None,
    x_by_cat: ArrayLike | None = None,
    parent_keys: ArrayLike | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Rates, funnel bands, empirical-Bayes scores, rank ranges and suppression.

    x, n: satisfied and answered counts per agency of one peer group. Per-agency
    arrays use NaN for missing values; group-level entries are scalars.
    `parent_keys` groups agencies for secondary suppression (default: the
    whole peer group, whose total is published). `seed` drives the rank draws.
    """
    params = params or MethodParams()
    x_arr, n_arr = as_counts(x, n)
    has_data = n_arr > 0
    responses = float(n_arr.sum())
    positive = float(x_arr.sum())
    p_bar = positive / responses if responses > 0 else np.nan

    rate_low, rate_high = wilson_interval(x_arr, n_arr, z=params.z95)
    expected = _case_mix(x_arr, n_arr, n_by_cat, x_by_cat)
    funnel = funnel_arcsine(x_arr, n_arr, expected, params.winsor, z95=params.z95, z998=params.z998)
    # Indirectly standardised rate p-bar * O/E, shown to readers (§4).
    with np.errstate(divide="ignore", invalid="ignore"):
        adjusted = np.where(
            has_data & (funnel.expected > 0),
            p_bar * funnel.rate / funnel.expected,
            np.nan,
        )

    fit = fit_beta_binomial(x_arr, n_arr)
    score, score_low, score_high = posterior_summary(x_arr, n_arr, fit, level=params.credible_level)
    alpha_post = np.where(has_data, fit.alpha + x_arr, np.nan)
    beta_post = np.where(has_data, fit.beta + n_arr - x_arr, np.nan)

    ranked = has_data & (n_arr >= params.min_rank_n)
    rank, rank_low, rank_high = rank_ranges(
        alpha_post,
        beta_post,
        ranked,
        draws=params.rank_draws,
        seed=seed,
        level=params.credible_level,
    )
    keys = np.zeros(n_arr.size, dtype=int) if parent_keys is None else parent_keys
    suppressed = disclosure_mask(n_arr, keys, low=1, high=params.suppress_below - 1)

    return {
        "rate": funnel.rate,
        "rate_low": rate_low,
        "rate_high": rate_high,
        "expected": funnel.expected,
        "adjusted_rate": adjusted,
        "z_raw": funnel.z_raw,
        "z": funnel.z,
        "band": funnel.band,
        "limit95_low": funnel.limit95_low,
        "limit95_high": funnel.limit95_high,
        "limit998_low": funnel.limit998_low,
        "limit998_high": funnel.limit998_high,
        "score": score,
        "score_low": score_low,
        "score_high": score_high,
        "alpha_post": alpha_post,
        "beta_post": beta_post,
        "ranked": ranked,
        "rank": rank,
        "rank_low": rank_low,
        "rank_high": rank_high,
        "suppressed": suppressed,
        "p_bar": p_bar,
        "phi": funnel.phi,
        "tau2": funnel.tau2,
        "winsor_low": funnel.winsor_low,
        "winsor_high": funnel.winsor_high,
        "alpha": fit.alpha,
        "beta": fit.beta,
        "fit_nll": fit.nll,
        "fit_converged": fit.converged,
        "fit_method": fit.method,
        "agencies": int(n_arr.size),
        "agencies_with_answers": int(has_data.sum()),
        "responses": responses,
        "positive": positive,
        "method_version": params.version,
    }
