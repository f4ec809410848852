"""One peer group's league table under method 2.0.0 (docs/methodology-v2.md).

Returns every key of method 1's `ranking.table.league_table`, with the same
meaning and shapes, plus the method 2 additions documented in `league_table`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from ranking._arrays import as_counts
from ranking.disclosure import disclosure_mask
from ranking.stats import Z95, Z998, wilson_interval
from ranking.v2.casemix import loo_expected, odds_offset, remove_offset, remove_offset_slope
from ranking.v2.predictive import mid_p_tails, z_from_tails
from ranking.v2.ranks import arcsine_estimates, marginal_rank_sets, point_ranks, rankability, simultaneous_rank_sets
from ranking.v2.scores import HyperPrior, grid_posterior
from ranking.v2.variance import fit_spread, shifted

METHOD_VERSION_2 = "2.0.0"
MIN_AGENCIES_FOR_SPREAD = 3
MIN_AGENCIES_FOR_RANKS = 3
# Groups with at least this many agencies compute bands, scores and rank sets in parallel threads.
_PARALLEL_AGENCIES = 500


@dataclass(frozen=True)
class MethodParams2:
    """Every parameter of method 2.0.0, stored with each snapshot so it can be recomputed."""

    version: str = METHOD_VERSION_2
    z95: float = Z95
    z998: float = Z998
    credible_level: float = 0.95
    suppress_below: int = 5
    min_rank_n: int = 30
    casemix_shrink: float = 50.0
    spread_exclude_z: float = 2.575829
    spread_final_z: float = Z998
    spread_m_min: float = 0.1
    spread_m_max: float = 1e7
    spread_max_iter: int = 20
    grid_m_min: float = 0.5
    grid_m_max: float = 1e6
    grid_m_points: int = 16
    grid_mu_points: int = 9
    grid_mu_width: float = 6.0
    grid_prior_power: float = 1.5
    grid_keep_mass: float = 1.0 - 1e-5
    prior_spike: float = 0.5
    prior_contamination: float = 0.05
    prior_temper: float = 1.75
    rank_level: float = 0.95
    rankability_threshold: float = 0.5
    movement_q: float = 0.05
    movement_min_n: int = 30
    movement_delta: float = 0.10

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the parameters (JSON-serialisable)."""
        return asdict(self)


def _categories(
    x: np.ndarray, n: np.ndarray, n_by_cat: ArrayLike | None, x_by_cat: ArrayLike | None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Category matrices (agencies x categories), checked against x and n; None without case mix."""
    if n_by_cat is None and x_by_cat is None:
        return None, None
    if n_by_cat is None or x_by_cat is None:
        raise ValueError("give both n_by_cat and x_by_cat, or neither")
    n_mat = np.asarray(n_by_cat, dtype=float).reshape(n.size, -1)
    x_mat = np.asarray(x_by_cat, dtype=float).reshape(x.size, -1)
    if not (np.all(np.isfinite(n_mat)) and np.all(np.isfinite(x_mat))):
        raise ValueError("category counts must be finite")
    if np.any(x_mat < 0) or np.any(x_mat > n_mat):
        raise ValueError("category counts must satisfy 0 <= x <= n")
    if not (np.allclose(n_mat.sum(axis=1), n) and np.allclose(x_mat.sum(axis=1), x)):
        raise ValueError("category counts must add up to each agency's x and n")
    return n_mat, x_mat


def _bands(
    x: np.ndarray, n: np.ndarray, expected: np.ndarray, fit: np.ndarray, params: MethodParams2
) -> dict[str, Any]:
    """Robust spread, mid-p z against the beta-binomial and binomial predictives, limits, bands."""
    exclude_tail = float(sps.norm.sf(params.spread_exclude_z))
    if fit.sum() >= MIN_AGENCIES_FOR_SPREAD:
        # A canonical order makes the optimiser's path, and so the fit, independent of input order.
        idx = np.flatnonzero(fit)
        idx = idx[np.lexsort((expected[idx], x[idx], n[idx]))]
        spread = fit_spread(
            x[idx],
            n[idx],
            expected[idx],
            exclude_tail=exclude_tail,
            final_tail=float(sps.norm.sf(params.spread_final_z)),
            m_min=params.spread_m_min,
            m_max=params.spread_m_max,
            max_iter=params.spread_max_iter,
        )
        strength, start, iterations, converged = spread.strength, spread.start, spread.iterations, spread.converged
        shift = spread.shift
        kept = np.zeros(x.size, dtype=bool)
        kept[idx] = spread.kept
    else:
        strength, start, iterations, converged, kept = np.inf, np.inf, 0, True, fit.copy()
        shift = 0.0
    e_fit = np.where(fit, shifted(expected, shift), np.nan)
    tail95, tail998 = float(sps.norm.sf(params.z95)), float(sps.norm.sf(params.z998))
    log_low, log_high, limits = mid_p_tails(x, n, e_fit, strength, (tail95, tail998))
    raw_low, raw_high, _ = mid_p_tails(x, n, e_fit, np.inf)
    z = z_from_tails(log_low, log_high)
    z_raw = z_from_tails(raw_low, raw_high)
    with np.errstate(invalid="ignore"):
        worst = np.minimum(log_low, log_high)
        high_side = log_high < log_low
        band = np.select(
            [~fit, worst < np.log(tail998), worst < np.log(tail95)],
            ["", np.where(high_side, "well_above", "well_below"), np.where(high_side, "above", "below")],
            default="expected",
        ).astype("<U10")
    limit95, limit998 = limits[tail95], limits[tail998]
    return {
        "z_raw": z_raw,
        "z": z,
        "band": band,
        "limit95_low": limit95[0],
        "limit95_high": limit95[1],
        "limit998_low": limit998[0],
        "limit998_high": limit998[1],
        "phi": float(np.mean(z_raw[fit] ** 2)) if fit.any() else np.nan,
        # Arcsine-scale between-agency variance: Var(asin sqrt(theta)) ~ 1/(4(M + 1)).
        "tau2": 0.25 / (strength + 1.0) if fit.any() else np.nan,
        "expected": e_fit,
        "band_shift": shift,
        "band_strength": strength,
        "band_strength_start": start,
        "band_kept": kept,
        "band_fit_iterations": iterations,
        "band_fit_converged": converged,
    }


def _rank_sets(
    x: np.ndarray, n: np.ndarray, offset: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Marginal and simultaneous (1 - alpha) rank sets of the given agencies: low, high, set low, set high."""
    est, se = arcsine_estimates(x, n, offset)
    return (*marginal_rank_sets(est, se, alpha), *simultaneous_rank_sets(est, se, alpha))


def _ranks(
    x: np.ndarray,
    n: np.ndarray,
    offset: np.ndarray,
    score: np.ndarray,
    eligible: np.ndarray,
    rho: float,
    params: MethodParams2,
    sets: tuple[np.ndarray, ...] | None = None,
) -> dict[str, Any]:
    """Point ranks, marginal and simultaneous rank sets, and why an agency is not ranked.

    `sets` are the eligible agencies' `_rank_sets`, when already computed.
    """
    count = x.size
    rankable = bool(
        eligible.sum() >= MIN_AGENCIES_FOR_RANKS and np.isfinite(rho) and rho >= params.rankability_threshold
    )
    if eligible.sum() < MIN_AGENCIES_FOR_RANKS:
        group_reason = "too_few_agencies"
    elif not rankable:
        group_reason = "low_rankability"
    else:
        group_reason = ""
    ranked = eligible & rankable
    out = {k: np.full(count, np.nan) for k in ("rank", "rank_low", "rank_high", "rank_set_low", "rank_set_high")}
    reason = np.where(n > 0, np.where(eligible, group_reason, "few_answers"), "no_answers").astype("<U16")
    if ranked.any():
        point = point_ranks(score[ranked])
        # Ranked agencies are all the eligible ones here, so precomputed sets apply as they are.
        low, high, set_low, set_high = sets or _rank_sets(x[ranked], n[ranked], offset[ranked], 1.0 - params.rank_level)
        out["rank"][ranked] = point
        # A set always holds the published point rank (shrinkage can reorder close agencies).
        out["rank_low"][ranked] = np.minimum(low, np.floor(point))
        out["rank_high"][ranked] = np.maximum(high, np.ceil(point))
        out["rank_set_low"][ranked] = np.minimum(set_low, out["rank_low"][ranked])
        out["rank_set_high"][ranked] = np.maximum(set_high, out["rank_high"][ranked])
    return {**out, "ranked": ranked, "rank_reason": reason, "rankable": rankable, "unranked_reason": group_reason}


def _scores(
    x_arr: np.ndarray,
    n_arr: np.ndarray,
    offset: np.ndarray,
    has_data: np.ndarray,
    eligible: np.ndarray,
    params: MethodParams2,
) -> tuple[Any, dict[str, np.ndarray], float]:
    """Posterior scores (grid mixture) and the rankability of the `eligible` agencies."""

    prior = HyperPrior(
        m_min=params.grid_m_min,
        m_max=params.grid_m_max,
        m_points=params.grid_m_points,
        mu_points=params.grid_mu_points,
        mu_width=params.grid_mu_width,
        power=params.grid_prior_power,
        spike=params.prior_spike,
        contamination=params.prior_contamination,
        keep_mass=params.grid_keep_mass,
    )
    post = grid_posterior(
        x_arr[has_data],
        n_arr[has_data],
        offset[has_data],
        level=params.credible_level,
        prior=prior,
        temper=params.prior_temper,
    )
    scores = {k: np.full(n_arr.size, np.nan) for k in ("score", "score_low", "score_high", "score_sd", "a", "b")}
    off = offset[has_data]
    scores["score"][has_data] = remove_offset(post.mean, off)
    scores["score_low"][has_data] = remove_offset(post.low, off)
    scores["score_high"][has_data] = remove_offset(post.high, off)
    scores["score_sd"][has_data] = post.sd * remove_offset_slope(post.mean, off)
    # The Beta with the mixture posterior's mean and variance (of the unadjusted rate).
    total = post.mean * (1.0 - post.mean) / np.maximum(post.sd**2, 1e-300) - 1.0
    scores["a"][has_data] = post.mean * total
    scores["b"][has_data] = (1.0 - post.mean) * total

    mean_ref = post.alpha / (post.alpha + post.beta)
    rho = (
        rankability(post.tau2_logit, n_arr[eligible], mean_ref) if eligible.sum() >= MIN_AGENCIES_FOR_RANKS else np.nan
    )
    return post, scores, rho


def league_table(
    x: ArrayLike,
    n: ArrayLike,
    params: MethodParams2 | None = None,
    *,
    n_by_cat: ArrayLike | None = None,
    x_by_cat: ArrayLike | None = None,
    parent_keys: ArrayLike | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Method 2.0.0 league table: method 1's keys plus rankability, rank sets and movement inputs.

    Added keys: `score_sd` (posterior SD of the adjusted rate: store it with
    `score` and `responses` for next period's movement), `casemix_offset` (c_i),
    `group_rate_loo` (g_i), `rank_set_low/high` (simultaneous 95% rank sets),
    `rank_reason` (per agency: "", "few_answers", "no_answers",
    "low_rankability", "too_few_agencies"), `rankability`, `rankable`,
    `rankability_threshold`, `unranked_reason`, `tau2_logit`, `band_strength`
    (M of the bands), `band_strength_start`, `band_kept`,
    `band_fit_iterations`, `band_fit_converged`, `score_grid_points`.
    Nothing is random: `seed` is accepted for compatibility and unused.
    """
    del seed
    params = params or MethodParams2()
    x_arr, n_arr = as_counts(x, n)
    has_data = n_arr > 0
    responses, positive = float(n_arr.sum()), float(x_arr.sum())
    p_bar = positive / responses if responses > 0 else np.nan
    rate = np.where(has_data, x_arr / np.where(has_data, n_arr, 1.0), np.nan)
    rate_low, rate_high = wilson_interval(x_arr, n_arr, z=params.z95)

    n_mat, x_mat = _categories(x_arr, n_arr, n_by_cat, x_by_cat)
    expected, group = loo_expected(x_arr, n_arr, n_mat, x_mat, shrink=params.casemix_shrink)
    # Nobody else answered: there is nothing to compare with.
    expected = np.where(responses - n_arr > 0, expected, np.nan)
    offset = np.where(np.isfinite(expected), odds_offset(expected, group), 0.0)
    fit = has_data & np.isfinite(expected)
    eligible = has_data & (n_arr >= params.min_rank_n)
    # The bands, the scores and the rank sets share no intermediate result, and all three are
    # NumPy work that mostly releases the GIL: a large group computes them side by side. The
    # rank sets need only the counts, so they are computed for every eligible agency while the
    # scores decide whether the group is rankable (if not, they are not used).
    if n_arr.size >= _PARALLEL_AGENCIES and eligible.sum() >= MIN_AGENCIES_FOR_RANKS:
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending_bands = pool.submit(_bands, x_arr, n_arr, expected, fit, params)
            alpha = 1.0 - params.rank_level
            pending_sets = pool.submit(_rank_sets, x_arr[eligible], n_arr[eligible], offset[eligible], alpha)
            post, scores, rho = _scores(x_arr, n_arr, offset, has_data, eligible, params)
            ranks = _ranks(x_arr, n_arr, offset, scores["score"], eligible, rho, params, pending_sets.result())
            bands = pending_bands.result()
    else:
        bands = _bands(x_arr, n_arr, expected, fit, params)
        post, scores, rho = _scores(x_arr, n_arr, offset, has_data, eligible, params)
        ranks = _ranks(x_arr, n_arr, offset, scores["score"], eligible, rho, params)

    keys = np.zeros(n_arr.size, dtype=int) if parent_keys is None else parent_keys
    suppressed = disclosure_mask(n_arr, keys, low=1, high=params.suppress_below - 1)
    return {
        "rate": rate,
        "rate_low": rate_low,
        "rate_high": rate_high,
        "expected": bands["expected"],
        "adjusted_rate": np.where(has_data & fit, remove_offset(rate, offset), np.where(has_data, rate, np.nan)),
        "z_raw": bands["z_raw"],
        "z": bands["z"],
        "band": bands["band"],
        "limit95_low": bands["limit95_low"],
        "limit95_high": bands["limit95_high"],
        "limit998_low": bands["limit998_low"],
        "limit998_high": bands["limit998_high"],
        "score": scores["score"],
        "score_low": scores["score_low"],
        "score_high": scores["score_high"],
        "score_sd": scores["score_sd"],
        "alpha_post": scores["a"],
        "beta_post": scores["b"],
        "ranked": ranks["ranked"],
        "rank": ranks["rank"],
        "rank_low": ranks["rank_low"],
        "rank_high": ranks["rank_high"],
        "rank_set_low": ranks["rank_set_low"],
        "rank_set_high": ranks["rank_set_high"],
        "rank_reason": ranks["rank_reason"],
        "suppressed": suppressed,
        "p_bar": p_bar,
        "phi": bands["phi"],
        "tau2": bands["tau2"],
        "winsor_low": np.nan,
        "winsor_high": np.nan,
        "alpha": post.alpha,
        "beta": post.beta,
        "fit_nll": post.nll,
        "fit_converged": bool(bands["band_fit_converged"]),
        "fit_method": post.method,
        "agencies": int(n_arr.size),
        "agencies_with_answers": int(has_data.sum()),
        "responses": responses,
        "positive": positive,
        "method_version": params.version,
        "casemix_offset": np.where(has_data, offset, np.nan),
        "group_rate_loo": np.where(has_data, group, np.nan),
        "rankability": rho,
        "rankable": ranks["rankable"],
        "rankability_threshold": params.rankability_threshold,
        "unranked_reason": ranks["unranked_reason"],
        "tau2_logit": post.tau2_logit,
        "band_shift": bands["band_shift"],
        "band_strength": bands["band_strength"],
        "band_strength_start": bands["band_strength_start"],
        "band_kept": bands["band_kept"],
        "band_fit_iterations": bands["band_fit_iterations"],
        "band_fit_converged": bands["band_fit_converged"],
        "score_grid_points": post.grid_points,
    }
