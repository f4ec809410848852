"""Database reads for the public site: a fixed, small number of queries per page (no N+1).

Published figures are read from snapshots only; nothing here recomputes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import aliased, defer, selectinload

from ranking.periods import CITY_TZ
from survey.extensions import db
from survey.models import ActionPlan, Agency, Feedback, Response, Service, Snapshot, SnapshotEntry
from survey.models.base import as_utc

# Chart SVGs are large and only served by their own routes; touching them by accident raises.
WITHOUT_CHARTS = (defer(Snapshot.funnel_svg, raiseload=True), defer(Snapshot.caterpillar_svg, raiseload=True))
MONTHS_FIRST = case((Snapshot.period_kind == "month", 0), else_=1)


@dataclass(frozen=True)
class Found:
    """A snapshot (charts deferred) and whether each stored chart exists."""

    snapshot: Snapshot
    has_funnel: bool
    has_caterpillar: bool


def _found(statement) -> Found | None:
    row = db.session.execute(statement).first()
    return None if row is None else Found(row[0], bool(row[1]), bool(row[2]))


def _with_chart_flags():
    return select(Snapshot, Snapshot.funnel_svg.is_not(None), Snapshot.caterpillar_svg.is_not(None)).options(
        *WITHOUT_CHARTS
    )


def snapshot_by_id(snapshot_id: int) -> Found | None:
    return _found(_with_chart_flags().where(Snapshot.id == snapshot_id))


def current_snapshot(peer_group: str, period: str) -> Found | None:
    """The latest revision for (peer group, period): a correction replaces what it supersedes."""
    return _found(
        _with_chart_flags()
        .where(Snapshot.peer_group == peer_group, Snapshot.period == period)
        .order_by(Snapshot.revision.desc())
        .limit(1)
    )


def chart_svg(snapshot_id: int, kind: str) -> tuple[str | None, str | None]:
    """(content hash, stored SVG text) of one chart; (None, None) for an unknown snapshot."""
    column = Snapshot.funnel_svg if kind == "funnel" else Snapshot.caterpillar_svg
    row = db.session.execute(select(Snapshot.content_hash, column).where(Snapshot.id == snapshot_id)).first()
    return (None, None) if row is None else (row[0], row[1])


def chart_exists(snapshot_id: int, kind: str) -> tuple[str | None, bool]:
    """(content hash, whether the chart was drawn at publication) without loading the stored SVG."""
    column = Snapshot.funnel_svg if kind == "funnel" else Snapshot.caterpillar_svg
    row = db.session.execute(
        select(Snapshot.content_hash, column.is_not(None)).where(Snapshot.id == snapshot_id)
    ).first()
    return (None, False) if row is None else (row[0], bool(row[1]))


def snapshot_with_entries(snapshot_id: int) -> Snapshot | None:
    """A snapshot with its entries loaded in one extra query (for the open-data files)."""
    return db.session.scalar(
        select(Snapshot).options(*WITHOUT_CHARTS, selectinload(Snapshot.entries)).where(Snapshot.id == snapshot_id)
    )


def entries_of(snapshot_ids: Iterable[int]) -> list[SnapshotEntry]:
    ids = list(snapshot_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(SnapshotEntry)
            .where(SnapshotEntry.snapshot_id.in_(ids))
            .order_by(SnapshotEntry.snapshot_id, SnapshotEntry.position)
        )
    )


def superseded_by(snapshot_ids: Iterable[int]) -> dict[int, int]:
    """Map each given snapshot id to the id of the correction that supersedes it, if any."""
    ids = list(snapshot_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Snapshot.supersedes_id, Snapshot.id).where(Snapshot.supersedes_id.in_(ids)))
    return {old: new for old, new in rows}


def latest_period_of_kind(kind: str) -> str | None:
    """The newest period of one kind ("month" or "quarter") published for any peer group."""
    return db.session.scalar(
        select(Snapshot.period).where(Snapshot.period_kind == kind).order_by(Snapshot.period.desc()).limit(1)
    )


def period_publications(period: str) -> list[Snapshot]:
    """Per peer group, the latest revision of ``period`` (corrections replace what they supersede)."""
    rows = db.session.execute(
        select(Snapshot.id, Snapshot.peer_group, Snapshot.revision).where(Snapshot.period == period)
    ).all()
    best: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.peer_group not in best or row.revision > best[row.peer_group][0]:
            best[row.peer_group] = (row.revision, row.id)
    ids = [snapshot_id for _, snapshot_id in best.values()]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Snapshot).options(*WITHOUT_CHARTS).where(Snapshot.id.in_(ids)).order_by(Snapshot.peer_group)
        )
    )


def latest_period(peer_group: str) -> str | None:
    """The newest published period of a peer group, months before quarters."""
    return db.session.scalar(
        select(Snapshot.period)
        .where(Snapshot.peer_group == peer_group)
        .order_by(MONTHS_FIRST, Snapshot.period.desc())
        .limit(1)
    )


def group_periods(peer_group: str) -> list[tuple[str, str]]:
    """Every published (period, kind) of a peer group: months newest first, then quarters."""
    rows = db.session.execute(
        select(Snapshot.period, Snapshot.period_kind).where(Snapshot.peer_group == peer_group).distinct()
    )
    # Sorted here: PostgreSQL refuses ORDER BY expressions outside a DISTINCT select list.
    found = sorted(((period, kind) for period, kind in rows), reverse=True)
    found.sort(key=lambda item: item[1] != "month")  # stable: months first, each newest first
    return found


def current_publications() -> list[Snapshot]:
    """Per peer group, the latest revision of its latest period (months preferred over quarters)."""
    rows = db.session.execute(
        select(Snapshot.id, Snapshot.peer_group, Snapshot.period, Snapshot.period_kind, Snapshot.revision)
    ).all()
    best: dict[str, tuple] = {}
    for row in rows:
        key = (row.period_kind == "month", row.period, row.revision)
        if row.peer_group not in best or key > best[row.peer_group][0]:
            best[row.peer_group] = (key, row.id)
    ids = [snapshot_id for _, snapshot_id in best.values()]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Snapshot).options(*WITHOUT_CHARTS).where(Snapshot.id.in_(ids)).order_by(Snapshot.peer_group)
        )
    )


def agency_names(codes: Iterable[str]) -> dict[str, Agency]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    return {a.code: a for a in db.session.scalars(select(Agency).where(Agency.code.in_(wanted)))}


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def agency_history(code: str, agency_id: int | None) -> list[tuple[SnapshotEntry, Snapshot]]:
    """The agency's entry in every current (not superseded) snapshot, newest period first."""
    later = aliased(Snapshot)
    match = SnapshotEntry.agency_id == agency_id if agency_id is not None else SnapshotEntry.agency_code == code
    rows = db.session.execute(
        select(SnapshotEntry, Snapshot)
        .join(Snapshot, SnapshotEntry.snapshot_id == Snapshot.id)
        .options(*WITHOUT_CHARTS)
        .where(match, ~exists().where(later.supersedes_id == Snapshot.id))
        .order_by(MONTHS_FIRST, Snapshot.period.desc())
    )
    return [(entry, snapshot) for entry, snapshot in rows]


def relatives(agency: Agency, limit: int = 60) -> tuple[Agency | None, list[Agency], list[Agency]]:
    """Parent, peers (same parent and peer group) and children of an agency, in two queries."""
    parent_match = Agency.parent_id == agency.parent_id if agency.parent_id else Agency.parent_id.is_(None)
    family = db.session.scalars(
        select(Agency)
        .where(
            Agency.active,
            (Agency.id == agency.parent_id)
            | ((Agency.peer_group == agency.peer_group) & parent_match & (Agency.id != agency.id)),
        )
        .order_by(Agency.code)
        .limit(limit + 1)
    ).all()
    parent = next((a for a in family if a.id == agency.parent_id), None)
    peers = [a for a in family if a.id != agency.parent_id][:limit]
    children = db.session.scalars(
        select(Agency).where(Agency.active, Agency.parent_id == agency.id).order_by(Agency.code).limit(limit)
    ).all()
    return parent, peers, list(children)


def archive_page(page: int, per_page: int) -> tuple[list[Snapshot], int]:
    """One page of every snapshot, newest first, and the total count."""
    total = db.session.scalar(select(func.count()).select_from(Snapshot)) or 0
    items = db.session.scalars(
        select(Snapshot)
        .options(*WITHOUT_CHARTS)
        .order_by(Snapshot.created_at.desc(), Snapshot.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), total


def all_snapshots() -> list[Snapshot]:
    return list(db.session.scalars(select(Snapshot).options(*WITHOUT_CHARTS).order_by(Snapshot.id.desc())))


def charted_ids() -> set[int]:
    return set(db.session.scalars(select(Snapshot.id).where(Snapshot.funnel_svg.is_not(None))))


def recent_snapshots(limit: int) -> list[Snapshot]:
    return list(
        db.session.scalars(
            select(Snapshot)
            .options(*WITHOUT_CHARTS)
            .order_by(Snapshot.created_at.desc(), Snapshot.id.desc())
            .limit(limit)
        )
    )


# What managers publish next to the figures (DESIGN.md: action plans, public replies).


def action_plans_for(agency_ids: Iterable[int]) -> dict[int, list[ActionPlan]]:
    """Plans filed by the given agencies (dropped ones left out), with their progress notes."""
    ids = sorted(set(agency_ids))
    if not ids:
        return {}
    plans = db.session.scalars(
        select(ActionPlan)
        .options(selectinload(ActionPlan.updates))
        .where(
            ActionPlan.agency_id.in_(ids),
            ActionPlan.status != "dropped",
            ActionPlan.review_state == "published",  # reviewed by the parent agency or an admin
        )
        .order_by(ActionPlan.due_on, ActionPlan.id)
    )
    found: dict[int, list[ActionPlan]] = defaultdict(list)
    for plan in plans:
        found[plan.agency_id].append(plan)
    return dict(found)


@dataclass(frozen=True)
class PublicReply:
    """A published reply with what it answers: the service and the month of the comment, never the comment."""

    reply: str
    replied_at: object
    service_vi: str
    service_en: str
    month: str  # YYYY-MM, city time

    def service(self, locale: str) -> str:
        return self.service_en if locale == "en" else self.service_vi


def public_replies(agency_id: int, limit: int = 10) -> list[PublicReply]:
    """Replies a manager chose to publish: the reply, its date, and the service and month it answers."""
    rows = db.session.execute(
        select(Feedback.reply, Feedback.replied_at, Service.name_vi, Service.name_en, Response.submitted_at)
        .join(Response, Response.id == Feedback.response_id)
        .join(Service, Service.id == Response.service_id)
        .where(Response.agency_id == agency_id, Feedback.reply_public.is_(True), Feedback.reply.is_not(None))
        .order_by(Feedback.replied_at.desc())
        .limit(limit)
    )
    return [
        PublicReply(reply, replied_at, name_vi, name_en, f"{as_utc(submitted).astimezone(CITY_TZ):%Y-%m}")
        for reply, replied_at, name_vi, name_en, submitted in rows
    ]
