"""Publishing immutable snapshots: the one place that reads counts and writes league tables.

Exactly one publisher at a time (PostgreSQL advisory lock; SQLite's write lock), a
unique (period, peer group, revision) constraint as the last line of defence, and
everything for one peer group in one transaction, so a crash leaves nothing partial.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import insert, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from ranking import METHOD_VERSION
from ranking.aggregate import AgencyCounts, group_agencies, peer_groups, period_counts
from ranking.ledger import chain_hash, clean_number, seed_for
from ranking.movement import score_movement
from ranking.periods import Period
from ranking.table import MethodParams, league_table
from survey.models import Agency, Snapshot, SnapshotEntry
from survey.models.base import to_naive_utc

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x5355_5256  # "SURV": one publisher across every process and host

# Fields of the open-data row (DESIGN.md), in order; null where withheld.
OPEN_DATA_FIELDS = (
    "agency_code", "agency_name", "peer_group", "period", "responses", "positive", "rate", "rate_low",
    "rate_high", "expected", "z", "band", "limit95_low", "limit95_high", "limit998_low", "limit998_high",
    "score", "score_low", "score_high", "rank", "rank_low", "rank_high", "suppressed", "ranked",
)  # fmt: skip
FIGURE_KEYS = (
    "rate", "rate_low", "rate_high", "expected", "adjusted_rate", "z", "band", "limit95_low", "limit95_high",
    "limit998_low", "limit998_high", "score", "score_low", "score_high", "rank", "rank_low", "rank_high",
)  # fmt: skip
WITHHELD_WHEN_SUPPRESSED = set(FIGURE_KEYS) - {"expected"}


class PublicationError(Exception):
    """A publication that must not happen (period not over, nothing to publish)."""


@dataclass(frozen=True)
class PublishResult:
    period: str
    peer_group: str
    snapshot_id: int | None
    created: bool
    reason: str = ""


def acquire_publication_lock(session: Session) -> None:
    """Serialise publishers until this transaction ends (commit or rollback releases it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    else:
        # SQLite has one writer at a time: a write statement (even one touching no row)
        # takes the database's RESERVED lock, which other writers wait on until we commit.
        session.execute(text("DELETE FROM snapshot WHERE 1 = 0"))


def latest_snapshot(session: Session, period: str, peer_group: str) -> Snapshot | None:
    return session.scalar(
        select(Snapshot)
        .where(Snapshot.period == period, Snapshot.peer_group == peer_group)
        .order_by(Snapshot.revision.desc())
        .limit(1)
    )


def chain_head(session: Session) -> Snapshot | None:
    return session.scalar(select(Snapshot).order_by(Snapshot.id.desc()).limit(1))


def publish_period(
    session: Session,
    period: Period,
    *,
    now: datetime,
    provisional: bool = False,
    correction: str | None = None,
    params: MethodParams | None = None,
    groups: list[str] | None = None,
    render_charts: bool = True,
    on_created: Callable[[Snapshot], object] | None = None,
) -> list[PublishResult]:
    """Publish every peer group's snapshot for ``period``; already-published groups are skipped.

    ``on_created`` runs after each new snapshot is committed (e.g. to notify managers);
    its failure is logged and never undoes the publication.
    """
    if not provisional and not period.has_ended(now):
        raise PublicationError(f"period {period.key} has not ended; use --provisional to publish it early")
    params = params or MethodParams()
    results = []
    shared_counts: dict[str, dict[int, AgencyCounts]] = {}  # one aggregation for all peer groups
    for group in groups or peer_groups(session):
        results.append(
            publish_group(
                session,
                period,
                group,
                now=now,
                provisional=provisional,
                correction=correction,
                params=params,
                render_charts=render_charts,
                shared_counts=shared_counts,
            )
        )
        if results[-1].created and on_created is not None:
            try:
                on_created(session.get(Snapshot, results[-1].snapshot_id))
            except Exception:
                session.rollback()
                log.exception("after-publication hook failed for snapshot %s", results[-1].snapshot_id)
    return results


def publish_group(
    session: Session,
    period: Period,
    peer_group: str,
    *,
    now: datetime,
    provisional: bool = False,
    correction: str | None = None,
    params: MethodParams | None = None,
    render_charts: bool = True,
    shared_counts: dict[str, dict[int, AgencyCounts]] | None = None,
) -> PublishResult:
    """Publish one peer group. ``shared_counts`` lets the groups of one run aggregate the period once."""
    params = params or MethodParams()
    shared_counts = {} if shared_counts is None else shared_counts
    session.rollback()  # start a fresh transaction so the lock covers every read below
    acquire_publication_lock(session)
    try:
        existing = latest_snapshot(session, period.key, peer_group)
        if existing is not None and not existing.provisional and correction is None:
            session.rollback()
            return PublishResult(period.key, peer_group, existing.id, False, "already published")
        agencies = group_agencies(session, peer_group)
        if "counts" not in shared_counts:  # computed under the lock, by the first group that needs it
            shared_counts["counts"] = period_counts(session, period)
        counts = shared_counts["counts"]
        if not any(counts.get(a.id, AgencyCounts()).responses for a in agencies):
            session.rollback()
            return PublishResult(period.key, peer_group, None, False, "no responses in this period")
        revision = existing.revision + 1 if existing else 1
        snapshot = build_snapshot(
            session,
            period,
            peer_group,
            agencies,
            counts,
            params,
            revision=revision,
            provisional=provisional,
            supersedes=existing,
            correction=correction,
            now=now,
            render_charts=render_charts,
        )
        insert_snapshot(session, snapshot)
        session.commit()
    except Exception:
        session.rollback()
        raise
    log.info("published %s %s revision %s (%s)", period.key, peer_group, revision, snapshot.content_hash[:12])
    return PublishResult(period.key, peer_group, snapshot.id, True)


def insert_snapshot(session: Session, snapshot: Snapshot) -> None:
    """Write the snapshot, then its entries in one executemany.

    Through the unit of work, 5,000 entries cost two seconds: it needs each new id back, so
    it sends a few huge multi-row INSERT … RETURNING statements that the driver must parse.
    Nothing reads an entry's id here; after the commit ``snapshot.entries`` loads from the
    database as usual. Same transaction, so a failure still leaves nothing behind.
    """
    entries = list(snapshot.entries)
    snapshot.entries = []
    session.add(snapshot)
    session.flush()
    columns = [c.key for c in sa_inspect(SnapshotEntry).column_attrs if c.key != "id"]
    rows = [{key: getattr(entry, key) for key in columns} | {"snapshot_id": snapshot.id} for entry in entries]
    if rows:
        session.execute(insert(SnapshotEntry), rows)
    session.expire(snapshot, ["entries"])


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


def compute_table(inputs: dict[str, Any], params: MethodParams, seed: int) -> dict[str, Any]:
    """Run the method on stored inputs: used at publication and again by ``verify``."""
    n_by_cat, x_by_cat = inputs["n_by_cat"], inputs["x_by_cat"]
    use_case_mix = len(inputs["categories"]) > 1
    return league_table(
        x_by_cat.sum(axis=1),
        n_by_cat.sum(axis=1),
        params,
        n_by_cat=n_by_cat if use_case_mix else None,
        x_by_cat=x_by_cat if use_case_mix else None,
        parent_keys=inputs["parent_keys"],
        seed=seed,
    )


def previous_posteriors(session: Session, period: Period, peer_group: str) -> dict[str, tuple[float, float]]:
    """Posterior parameters of each agency in the latest snapshot of the previous period."""
    previous = latest_snapshot(session, period.previous().key, peer_group)
    if previous is None:
        return {}
    found = {}
    for entry in previous.entries:
        a, b = entry.figures.get("alpha_post"), entry.figures.get("beta_post")
        if a is not None and b is not None:
            found[entry.agency_code] = (a, b)
    return found


def build_snapshot(
    session: Session,
    period: Period,
    peer_group: str,
    agencies: list[Agency],
    counts: dict[int, AgencyCounts],
    params: MethodParams,
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
    before = previous_posteriors(session, period, peer_group)
    movement = movement_for(agencies, table, before)
    entries = [
        make_entry(position, agency, counts.get(agency.id, AgencyCounts()), table, movement, inputs)
        for position, agency in enumerate(agencies)
    ]
    summary = summarise(table, entries, inputs["categories"], correction)
    snapshot = Snapshot(
        period=period.key,
        period_kind=period.kind,
        peer_group=peer_group,
        revision=revision,
        provisional=provisional,
        method_version=METHOD_VERSION,
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


def render_snapshot_charts(snapshot: Snapshot) -> tuple[str, str]:
    """Funnel and caterpillar SVGs of the published (non-suppressed) figures."""
    from ranking.charts import CATERPILLAR_TITLE, FUNNEL_TITLE, caterpillar_svg, funnel_svg

    shown = [e for e in snapshot.entries if not e.suppressed and e.responses]
    title = f"{snapshot.peer_group} · {snapshot.period}"
    figure = [e.figures for e in shown]
    funnel = funnel_svg(
        [e.responses for e in shown],
        [f["adjusted_rate"] if f["adjusted_rate"] is not None else f["rate"] for f in figure],
        [f["band"] for f in figure],
        snapshot.summary["p_bar"] if snapshot.summary["p_bar"] is not None else float("nan"),
        snapshot.summary["tau2"] or 0.0,
        f"{FUNNEL_TITLE}: {title}",
    )
    caterpillar = caterpillar_svg(
        [e.agency_code for e in shown],
        [f["score"] for f in figure],
        [f["score_low"] for f in figure],
        [f["score_high"] for f in figure],
        [f["band"] for f in figure],
        f"{CATERPILLAR_TITLE}: {title}",
    )
    return funnel, caterpillar


def movement_for(agencies: list[Agency], table: dict[str, Any], before: dict[str, tuple[float, float]]):
    size = len(agencies)
    a_prev = np.full(size, np.nan)
    b_prev = np.full(size, np.nan)
    for i, agency in enumerate(agencies):
        if agency.code in before:
            a_prev[i], b_prev[i] = before[agency.code]
    return score_movement(table["alpha_post"], table["beta_post"], a_prev, b_prev)


def _value(table: dict[str, Any], key: str, i: int) -> Any:
    value = table[key][i]
    if isinstance(value, np.str_):
        return str(value) or None
    return clean_number(value)


def make_entry(
    position: int, agency: Agency, counts: AgencyCounts, table: dict[str, Any], movement, inputs: dict[str, Any]
) -> SnapshotEntry:
    suppressed = bool(table["suppressed"][position])
    ranked = bool(table["ranked"][position])
    figures: dict[str, Any] = {key: _value(table, key, position) for key in FIGURE_KEYS}
    if not ranked:
        figures.update(rank=None, rank_low=None, rank_high=None)
    else:  # rank ranges are whole ranks; a point rank is fractional only when agencies tie
        figures["rank_low"], figures["rank_high"] = int(figures["rank_low"]), int(figures["rank_high"])
        if float(figures["rank"]).is_integer():
            figures["rank"] = int(figures["rank"])
    if suppressed:
        figures.update(dict.fromkeys(WITHHELD_WHEN_SUPPRESSED))
    diff, low, high, significant = (clean_number(m[position]) for m in movement)
    figures["movement"] = (
        None
        if diff is None or suppressed
        else {
            "change": diff,
            "low": low,
            "high": high,
            "significant": bool(significant),
        }
    )
    figures["alpha_post"] = clean_number(table["alpha_post"][position])
    figures["beta_post"] = clean_number(table["beta_post"][position])
    figures["on_time_rate"] = counts.on_time / counts.cases if counts.cases else None
    figures["response_rate"] = (
        min(counts.responses / counts.invitations, 1.0) if counts.invitations and not suppressed else None
    )
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
        suppressed=suppressed,
        ranked=ranked,
        responses=None if suppressed else counts.responses,
        positive=None if suppressed else counts.positive,
        invitations=counts.invitations,
        cases=counts.cases,
        on_time=counts.on_time,
        figures=figures,
    )


def summarise(table: dict[str, Any], entries: list[SnapshotEntry], categories: list[str], correction: str | None):
    bands: dict[str, int] = {}
    for entry in entries:
        band = entry.figures.get("band")
        if band:
            bands[band] = bands.get(band, 0) + 1
    responses = sum(sum(e.figures["inputs"]["n_by_category"]) for e in entries)
    positive = sum(sum(e.figures["inputs"]["x_by_category"]) for e in entries)
    cases = sum(e.cases or 0 for e in entries)
    on_time = sum(e.on_time or 0 for e in entries)
    invitations = sum(e.invitations or 0 for e in entries)
    return {
        "agencies": len(entries),
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
    }


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


def open_data_rows(snapshot: Snapshot, locale: str = "vi") -> list[dict[str, Any]]:
    """The published open-data row per agency (DESIGN.md fields), null where withheld."""
    rows = []
    for entry in snapshot.entries:
        figures = entry.figures
        row = {
            "agency_code": entry.agency_code,
            "agency_name": entry.agency_name_en if locale == "en" else entry.agency_name,
            "peer_group": snapshot.peer_group,
            "period": snapshot.period,
            "responses": entry.responses,
            "positive": entry.positive,
            "suppressed": bool(entry.suppressed),
            "ranked": bool(entry.ranked),
        }
        for key in OPEN_DATA_FIELDS:
            row.setdefault(key, figures.get(key))
        rows.append({key: row[key] for key in OPEN_DATA_FIELDS})
    return rows


def snapshot_metadata(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "period": snapshot.period,
        "peer_group": snapshot.peer_group,
        "revision": snapshot.revision,
        "provisional": bool(snapshot.provisional),
        "method_version": snapshot.method_version,
        "parameters": snapshot.parameters,
        "created": snapshot.created_at.isoformat() + "Z",
        "hash": snapshot.content_hash,
        "previous_hash": snapshot.previous_hash,
        "supersedes": snapshot.supersedes_id,
    }


def due_periods(now: datetime, first_data: datetime | None, *, lookback_months: int = 24) -> list[Period]:
    """Ended months and quarters from the first data (at most ``lookback_months`` back) to now."""
    from ranking.periods import period_containing, periods_between

    if first_data is None:
        return []
    current_month = period_containing(now, "month")
    earliest = current_month
    for _ in range(lookback_months):
        earliest = earliest.previous()
    first_month = max(period_containing(first_data, "month"), earliest, key=lambda p: p.start)
    months = [p for p in periods_between(first_month, current_month) if p.has_ended(now)]
    first_quarter = period_containing(first_month.start, "quarter")
    quarters = [p for p in periods_between(first_quarter, period_containing(now, "quarter")) if p.has_ended(now)]
    return months + quarters


def catch_up(
    session: Session,
    now: datetime,
    progress: Callable[[PublishResult], None] = lambda r: None,
    on_created: Callable[[Snapshot], object] | None = None,
):
    """Publish every ended period that has data but no snapshot yet (missed runs included)."""
    from sqlalchemy import func

    from survey.models import Response
    from survey.models.base import as_utc

    first = session.scalar(select(func.min(Response.submitted_at)))
    results = []
    for period in due_periods(now, as_utc(first) if first else None):
        for result in publish_period(session, period, now=now, on_created=on_created):
            progress(result)
            results.append(result)
    return results
