"""Building a snapshot: the method run on a peer group's counts, its entries, summary and hash.

Pure apart from reading the previous period's snapshot (for movement); storing it is
``store``'s job. ``compute_table`` is shared with ``verify`` and the managers' live figures,
so a published figure and its recomputation always come from the same code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ranking.periods import Period
from survey.models import Agency, Snapshot, SnapshotEntry
from survey.models.base import to_naive_utc
from survey.publication.charts import render_snapshot_charts
from survey.publication.counts import AgencyCounts
from survey.publication.disclosure import protected_mask
from survey.publication.ledger import chain_hash, clean_number, seed_for
from survey.publication.methods import (
    GROUP_KEYS_V2,
    RANK_KEYS,
    Params,
    figure_keys,
    league_table_for,
    movement,
    score_and_sd,
)
from survey.publication.snapshots import chain_head, latest_snapshot


def group_inputs(agencies: list[Agency], counts: dict[int, AgencyCounts]) -> dict[str, Any]:
    """The arrays the maths needs, in agency order, plus the category matrix for case mix."""
    categories = sorted({c for a in agencies for c in counts.get(a.id, AgencyCounts()).by_category})
    n_by_cat = np.zeros((len(agencies), max(len(categories), 1)), dtype=np.int64)
    x_by_cat = np.zeros_like(n_by_cat)
    for i, agency in enumerate(agencies):
        for j, category in enumerate(categories):
            n, x = counts.get(agency.id, AgencyCounts()).by_category.get(category, (0, 0))
            n_by_cat[i, j], x_by_cat[i, j] = n, x
    parents = [a.parent_id if a.parent_id is not None else -(i + 1) for i, a in enumerate(agencies)]
    return {
        "categories": categories,
        "n_by_cat": n_by_cat,
        "x_by_cat": x_by_cat,
        "parent_keys": np.asarray(parents, dtype=np.int64),
    }


def compute_table(inputs: dict[str, Any], params: Params, seed: int) -> dict[str, Any]:
    """Run the method on stored inputs: used at publication and again by ``verify``."""
    n_by_cat, x_by_cat = inputs["n_by_cat"], inputs["x_by_cat"]
    use_case_mix = len(inputs["categories"]) > 1
    return league_table_for(params)(
        x_by_cat.sum(axis=1),
        n_by_cat.sum(axis=1),
        params,
        n_by_cat=n_by_cat if use_case_mix else None,
        x_by_cat=x_by_cat if use_case_mix else None,
        parent_keys=inputs["parent_keys"],
        seed=seed,
    )


def previous_scores(session: Session, period: Period, peer_group: str) -> dict[str, tuple[float, float, int]]:
    """Score, its SD and the answers of each agency shown in the previous period's current snapshot."""
    previous = latest_snapshot(session, period.previous().key, peer_group)
    if previous is None:
        return {}
    # Only the four figures movement needs, read out of the JSON by the database: loading
    # every entry with all its figures took most of a second for 5,000 agencies (issue 16).
    wanted = ("score", "score_sd", "alpha_post", "beta_post")
    rows = session.execute(
        select(
            SnapshotEntry.agency_code,
            SnapshotEntry.suppressed,
            SnapshotEntry.responses,
            *(SnapshotEntry.figures[key].as_float() for key in wanted),
        ).where(SnapshotEntry.snapshot_id == previous.id)
    )
    found = {}
    for code, suppressed, responses, *values in rows:
        summary = score_and_sd(dict(zip(wanted, values, strict=True)))
        if summary is not None and not suppressed and responses:
            found[code] = (*summary, responses)
    return found


def build_snapshot(
    session: Session,
    period: Period,
    peer_group: str,
    agencies: list[Agency],
    counts: dict[int, AgencyCounts],
    params: Params,
    *,
    revision: int,
    provisional: bool,
    supersedes: Snapshot | None,
    correction: str | None,
    now: datetime,
    render_charts: bool,
) -> Snapshot:
    seed = seed_for(period.key, peer_group, revision)
    inputs = group_inputs(agencies, counts)
    table = compute_table(inputs, params, seed)
    hidden = protected_mask(
        session,
        period,
        peer_group,
        agencies,
        inputs["n_by_cat"].sum(axis=1),
        inputs["parent_keys"],
        table["suppressed"],
    )
    before = previous_scores(session, period, peer_group)
    changes = movement(params, table, inputs["n_by_cat"].sum(axis=1), [before.get(a.code) for a in agencies])
    keys = figure_keys(params.version)
    columns = published_columns(table, (*keys, "alpha_post", "beta_post"))
    entries = [
        make_entry(
            position, agency, counts.get(agency.id, AgencyCounts()), table, changes[position], inputs, keys, columns
        )
        for position, agency in enumerate(agencies)
    ]
    for entry, is_hidden in zip(entries, hidden, strict=True):
        if is_hidden:
            withhold(entry, keys)
    summary = summarise(table, entries, inputs["categories"], correction)
    snapshot = Snapshot(
        period=period.key,
        period_kind=period.kind,
        peer_group=peer_group,
        revision=revision,
        provisional=provisional,
        method_version=params.version,
        parameters=params.as_dict(),
        summary=summary,
        created_at=to_naive_utc(now),
        seed=seed,
        supersedes_id=supersedes.id if supersedes else None,
        entries=entries,
    )
    head = chain_head(session)
    snapshot.previous_hash = head.content_hash if head else None
    snapshot.content_hash = chain_hash(snapshot.previous_hash, snapshot_content(snapshot))
    if render_charts:
        snapshot.funnel_svg, snapshot.caterpillar_svg = render_snapshot_charts(snapshot)
    return snapshot


def published_columns(table: dict[str, Any], keys: tuple[str, ...]) -> dict[str, list[Any]]:
    """Each per-agency figure as a list of plain values: NaN and infinity become None, "" becomes None.

    Converted a column at a time (``tolist``) rather than a value at a time: 5,000 agencies
    have a third of a million figures (issue 16).
    """
    return {key: [(v or None) if isinstance(v, str) else clean_number(v) for v in np.asarray(table[key]).tolist()]
            for key in keys}  # fmt: skip


def integrity_figures(counts: AgencyCounts) -> dict[str, Any]:
    """What the figures rest on (docs/integrity.md): answers held or voided, staff-assisted, and channel shares."""
    counted = sum(counts.by_channel.values())
    return {
        "held": counts.held,
        "voided": counts.voided,
        "assisted": counts.assisted,
        "channel_shares": {k: round(v / counted, 4) for k, v in sorted(counts.by_channel.items())} if counted else {},
        "coverage": min(counts.invitations / counts.cases, 1.0) if counts.cases else None,
        # The national index's rule: a dossier counts as satisfied unless rated dissatisfied.
        "silence_rate": round(1 - min(counts.dissatisfied / counts.cases, 1.0), 4) if counts.cases else None,
    }


def make_entry(
    position: int,
    agency: Agency,
    counts: AgencyCounts,
    table: dict[str, Any],
    change: dict[str, Any] | None,
    inputs: dict[str, Any],
    keys: tuple[str, ...],
    columns: dict[str, list[Any]],
) -> SnapshotEntry:
    """One agency's published row: the method's figures, movement, rates from case data and its inputs.

    ``columns`` are ``published_columns`` of the table: the figure ``keys``, alpha_post and beta_post.
    """
    ranked = bool(table["ranked"][position])
    figures: dict[str, Any] = {key: columns[key][position] for key in keys}
    if not ranked:
        figures.update(dict.fromkeys(k for k in RANK_KEYS if k in figures))
    else:  # rank ranges are whole ranks; a point rank is fractional only when agencies tie
        for key in RANK_KEYS[1:]:
            if figures.get(key) is not None:
                figures[key] = int(figures[key])
        if float(figures["rank"]).is_integer():
            figures["rank"] = int(figures["rank"])
    figures["movement"] = change
    figures["alpha_post"] = columns["alpha_post"][position]
    figures["beta_post"] = columns["beta_post"][position]
    figures["parent_name"] = agency.parent.name_vi if agency.parent else None
    figures["parent_name_en"] = agency.parent.name_en if agency.parent else None
    figures["on_time_rate"] = counts.on_time / counts.cases if counts.cases else None
    figures["response_rate"] = min(counts.responses / counts.invitations, 1.0) if counts.invitations else None
    figures["integrity"] = integrity_figures(counts)
    figures["inputs"] = {
        "n_by_category": [int(v) for v in inputs["n_by_cat"][position]],
        "x_by_category": [int(v) for v in inputs["x_by_cat"][position]],
    }
    return SnapshotEntry(
        position=position,
        agency_id=agency.id,
        agency_code=agency.code,
        agency_name=agency.name_vi,
        agency_name_en=agency.name_en,
        parent_code=agency.parent.code if agency.parent else None,
        suppressed=False,
        ranked=ranked,
        responses=counts.responses,
        positive=counts.positive,
        invitations=counts.invitations,
        cases=counts.cases,
        on_time=counts.on_time,
        figures=figures,
    )


def withhold(entry: SnapshotEntry, keys: tuple[str, ...]) -> None:
    """Hide an agency: its counts and everything computed from its answers (the expected
    rate would reveal its mix of services; a score, its share)."""
    entry.suppressed, entry.ranked = True, False
    entry.responses = entry.positive = None
    entry.figures.update(
        dict.fromkeys(keys), movement=None, response_rate=None, on_time_rate=None, alpha_post=None, beta_post=None
    )


def summarise(table: dict[str, Any], entries: list[SnapshotEntry], categories: list[str], correction: str | None):
    bands: dict[str, int] = {}
    for entry in entries:
        band = entry.figures.get("band")
        if band:
            bands[band] = bands.get(band, 0) + 1
    # Totals cover the agencies shown: a total that included a hidden agency would reveal
    # its count by subtracting the visible rows.
    shown = [e for e in entries if not e.suppressed]
    responses = sum(e.responses or 0 for e in shown)
    positive = sum(e.positive or 0 for e in shown)
    cases = sum(e.cases or 0 for e in shown)
    on_time = sum(e.on_time or 0 for e in shown)
    invitations = sum(e.invitations or 0 for e in shown)
    return {
        "agencies": len(entries),
        "agencies_shown": len(shown),
        "ranked_agencies": sum(e.ranked for e in entries),
        "responses": responses,
        "positive": positive,
        "rate": positive / responses if responses else None,
        "invitations": invitations,
        "response_rate": min(responses / invitations, 1.0) if invitations else None,
        "cases": cases,
        "on_time_rate": on_time / cases if cases else None,
        "bands": bands,
        "categories": categories,
        "case_mix": len(categories) > 1,
        "p_bar": clean_number(table["p_bar"]),
        "phi": clean_number(table["phi"]),
        "tau2": clean_number(table["tau2"]),
        "alpha": clean_number(table["alpha"]),
        "beta": clean_number(table["beta"]),
        "fit_converged": bool(table["fit_converged"]),
        "fit_method": str(table["fit_method"]),
        "correction": correction,
    } | {key: clean_number(table[key]) for key in GROUP_KEYS_V2 if key in table}


def snapshot_content(snapshot: Snapshot) -> dict[str, Any]:
    """Everything the hash covers: identity, method, parameters, summary and every entry."""
    return {
        "period": snapshot.period,
        "period_kind": snapshot.period_kind,
        "peer_group": snapshot.peer_group,
        "revision": snapshot.revision,
        "provisional": bool(snapshot.provisional),
        "method_version": snapshot.method_version,
        "parameters": snapshot.parameters,
        "summary": snapshot.summary,
        "created_at": snapshot.created_at.isoformat(),
        "seed": snapshot.seed,
        "supersedes_id": snapshot.supersedes_id,
        "entries": [
            {
                "agency_code": e.agency_code,
                "agency_name": e.agency_name,
                "agency_name_en": e.agency_name_en,
                "parent_code": e.parent_code,
                "suppressed": bool(e.suppressed),
                "ranked": bool(e.ranked),
                "responses": e.responses,
                "positive": e.positive,
                "invitations": e.invitations,
                "cases": e.cases,
                "on_time": e.on_time,
                "figures": e.figures,
            }
            for e in sorted(snapshot.entries, key=lambda e: e.position)
        ],
    }
