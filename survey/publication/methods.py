"""Which method computes a snapshot: the version recorded with it picks the code that recomputes it.

Every snapshot stores its method version and parameters, so ``verify`` reruns exactly the
method it was published with; publication uses ``CURRENT`` for new snapshots.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ranking.table import MethodParams, league_table

CURRENT = "1.0.0"
_TABLES: dict[str, tuple[type, Callable[..., dict[str, Any]]]] = {
    "1.0.0": (MethodParams, league_table),
}


def current_params(min_rank_n: int | None = None) -> MethodParams:
    """The current method's parameters, with the deployment's ranking threshold when given."""
    params_type, _ = _TABLES[CURRENT]
    return params_type() if min_rank_n is None else params_type(min_rank_n=min_rank_n)


def params_from(stored: Mapping[str, Any]) -> MethodParams:
    """The parameters a snapshot was published with (unknown keys ignored, missing ones defaulted)."""
    params_type, _ = _TABLES[str(stored.get("version", "1.0.0"))]
    known = {k: v for k, v in stored.items() if k in params_type.__dataclass_fields__}
    return params_type(**known)


def league_table_for(params: MethodParams) -> Callable[..., dict[str, Any]]:
    """The league-table function of the method that ``params`` belong to."""
    return _TABLES[params.version][1]


__all__ = ["CURRENT", "MethodParams", "current_params", "league_table_for", "params_from"]
