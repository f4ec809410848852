"""``ranking verify``: recompute the hash chain and every snapshot's figures from stored inputs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Snapshot
from survey.publication.build import compute_table, snapshot_content
from survey.publication.ledger import chain_hash, clean_number
from survey.publication.methods import RANK_KEYS, figure_keys, params_from

TOLERANCE = 1e-9


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def stored_inputs(snapshot: Snapshot) -> dict[str, Any]:
    entries = sorted(snapshot.entries, key=lambda e: e.position)
    categories = snapshot.summary.get("categories") or []
    width = max(len(categories), 1)
    n_by_cat = np.array([e.figures["inputs"]["n_by_category"] or [0] * width for e in entries], dtype=np.int64)
    x_by_cat = np.array([e.figures["inputs"]["x_by_category"] or [0] * width for e in entries], dtype=np.int64)
    parents: dict[str | None, int] = {}
    keys = [
        parents.setdefault(e.parent_code, len(parents)) if e.parent_code else -(i + 1) for i, e in enumerate(entries)
    ]
    return {
        "categories": categories,
        "n_by_cat": n_by_cat.reshape(len(entries), width),
        "x_by_cat": x_by_cat.reshape(len(entries), width),
        "parent_keys": np.asarray(keys, dtype=np.int64),
    }


def verify_snapshot(snapshot: Snapshot) -> list[str]:
    """Differences between the stored figures and a fresh computation from stored counts."""
    problems = []
    table = compute_table(stored_inputs(snapshot), params_from(snapshot.parameters), snapshot.seed)
    for i, entry in enumerate(sorted(snapshot.entries, key=lambda e: e.position)):
        if entry.suppressed:  # a hidden row stores nothing computed from its answers
            continue
        for key in figure_keys(snapshot.method_version):
            if key in RANK_KEYS and not entry.ranked:
                continue
            fresh = table[key][i]
            fresh = (str(fresh) or None) if isinstance(fresh, np.str_) else clean_number(fresh)
            if not _close(entry.figures.get(key), fresh):
                problems.append(f"{entry.agency_code} {key}: stored {entry.figures.get(key)!r}, recomputed {fresh!r}")
    return problems


def verify_all(session: Session) -> Iterator[tuple[Snapshot, list[str]]]:
    """Yield every snapshot in chain order with the problems found (empty list when intact)."""
    previous_hash = None
    for snapshot in session.scalars(select(Snapshot).order_by(Snapshot.id)):
        problems = []
        if snapshot.previous_hash != previous_hash:
            problems.append(
                f"chain broken: previous_hash {snapshot.previous_hash} but preceding snapshot is {previous_hash}"
            )
        if chain_hash(snapshot.previous_hash, snapshot_content(snapshot)) != snapshot.content_hash:
            problems.append("content does not match its hash (edited after publication)")
        problems.extend(verify_snapshot(snapshot))
        previous_hash = snapshot.content_hash
        yield snapshot, problems
