"""Which method computes a snapshot: the version recorded with it picks the code that recomputes it.

Every snapshot stores its method version and parameters, so ``verify`` reruns exactly the
method it was published with; publication uses ``CURRENT`` for new snapshots.
Method 1.0.0 is METHODOLOGY.md; method 2.0.0 is docs/methodology-v2.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ranking import v2
from ranking.table import MethodParams, league_table

CURRENT = "2.0.0"
_TABLES: dict[str, tuple[type, Callable[..., dict[str, Any]]]] = {
    "1.0.0": (MethodParams, league_table),
    "2.0.0": (v2.MethodParams2, v2.league_table),
}
# Per-agency figures stored in each entry and recomputed by ``verify``, by method.
FIGURE_KEYS_V1 = (
    "rate", "rate_low", "rate_high", "expected", "adjusted_rate", "z", "band", "limit95_low", "limit95_high",
    "limit998_low", "limit998_high", "score", "score_low", "score_high", "rank", "rank_low", "rank_high",
)  # fmt: skip
FIGURE_KEYS_V2 = (*FIGURE_KEYS_V1, "score_sd", "rank_set_low", "rank_set_high", "rank_reason", "casemix_offset")
# Group-level figures of method 2 kept in the snapshot summary.
GROUP_KEYS_V2 = (
    "rankability", "rankable", "rankability_threshold", "unranked_reason", "tau2_logit", "band_shift",
    "band_strength", "band_fit_converged", "score_grid_points",
)  # fmt: skip
RANK_KEYS = ("rank", "rank_low", "rank_high", "rank_set_low", "rank_set_high")

Params = MethodParams | v2.MethodParams2


def current_params(min_rank_n: int | None = None) -> Params:
    """The current method's parameters, with the deployment's ranking threshold when given."""
    params_type, _ = _TABLES[CURRENT]
    return params_type() if min_rank_n is None else params_type(min_rank_n=min_rank_n)


def params_from(stored: Mapping[str, Any]) -> Params:
    """The parameters a snapshot was published with (unknown keys ignored, missing ones defaulted)."""
    params_type, _ = _TABLES[str(stored.get("version", "1.0.0"))]
    known = {k: v for k, v in stored.items() if k in params_type.__dataclass_fields__}
    return params_type(**known)


def league_table_for(params: Params) -> Callable[..., dict[str, Any]]:
    """The league-table function of the method that ``params`` belong to."""
    return _TABLES[params.version][1]


def figure_keys(version: str) -> tuple[str, ...]:
    return FIGURE_KEYS_V1 if version == "1.0.0" else FIGURE_KEYS_V2


def score_and_sd(figures: Mapping[str, Any]) -> tuple[float, float] | None:
    """A published score and its posterior SD, from either method's stored figures."""
    score, sd = figures.get("score"), figures.get("score_sd")
    if score is not None and sd is not None:
        return float(score), float(sd)
    a, b = figures.get("alpha_post"), figures.get("beta_post")
    if a is None or b is None:
        return None
    total = a + b
    return a / total, math.sqrt(a * b / (total * total * (total + 1.0)))


def movement(
    params: v2.MethodParams2,
    table: dict[str, Any],
    answered: np.ndarray,
    previous: list[tuple[float, float, int] | None],
) -> list[dict[str, Any] | None]:
    """Each agency's change of score since the previous period (None where there is nothing to compare).

    New snapshots use the current method (2.0.0): shrunk scores compared with
    Benjamini-Hochberg control across the group, a change called only where both periods
    have enough answers. The previous period may have been published with method 1.
    """
    size = len(previous)
    prev_score, prev_sd, prev_n = (np.full(size, np.nan) for _ in range(3))
    for i, item in enumerate(previous):
        if item is not None:
            prev_score[i], prev_sd[i], prev_n[i] = item
    found = v2.score_movement(
        table["score"],
        table["score_sd"],
        answered,
        prev_score,
        prev_sd,
        prev_n,
        q=params.movement_q,
        min_n=params.movement_min_n,
        level=params.credible_level,
        delta=params.movement_delta,
    )
    out: list[dict[str, Any] | None] = []
    for i in range(size):
        change = found["diff"][i]
        if not np.isfinite(change):
            out.append(None)
            continue
        item = {
            "change": float(change),
            "low": float(found["diff_low"][i]),
            "high": float(found["diff_high"][i]),
            "significant": bool(found["significant"][i]),
        }
        for extra in ("p_adjusted", "tested", "power"):
            if extra in found and np.isfinite(float(found[extra][i])):
                item[extra] = bool(found[extra][i]) if extra == "tested" else float(found[extra][i])
        out.append(item)
    return out


__all__ = [
    "CURRENT",
    "MethodParams",
    "Params",
    "current_params",
    "figure_keys",
    "league_table_for",
    "movement",
    "params_from",
    "score_and_sd",
]
