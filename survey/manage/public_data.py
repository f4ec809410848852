"""What the public site shows next to an agency: its action plans and the replies managers chose to publish.

Plain data (frozen dataclasses; ``dataclasses.asdict`` gives JSON) so public views and
exports need no knowledge of the managers' tables. Citizens' comments are never
included (METHODOLOGY §8): only the agency's reply and the service it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ranking.periods import CITY_TZ
from survey.extensions import db
from survey.models import ActionPlan, Feedback, Response, Service, Snapshot, SnapshotEntry
from survey.models.base import as_utc


def city_date(moment: datetime) -> date:
    """The calendar day in the city of a stored (naive UTC) timestamp."""
    return as_utc(moment).astimezone(CITY_TZ).date()


@dataclass(frozen=True)
class PlanProgress:
    on: date
    status: str
    note: str


@dataclass(frozen=True)
class LaterResult:
    """The agency's published figures in a snapshot after the plan was filed."""

    snapshot_id: int
    period: str
    score: float | None
    score_low: float | None
    score_high: float | None
    band: str | None


@dataclass(frozen=True)
class PublicPlan:
    id: int
    what: str
    owner: str
    due_on: date
    status: str
    filed_on: date
    flagged_period: str | None
    flagged_band: str | None
    progress: tuple[PlanProgress, ...]
    later_results: tuple[LaterResult, ...]


def _later_results(agency_id: int, peer_group: str, after_snapshot: Snapshot | None, filed) -> list[LaterResult]:
    """Published snapshots of the agency's peer group since the plan (its progress in the ranking)."""
    query = (
        select(Snapshot, SnapshotEntry)
        .join(SnapshotEntry, SnapshotEntry.snapshot_id == Snapshot.id)
        .where(SnapshotEntry.agency_id == agency_id, Snapshot.provisional.is_(False))
        .order_by(Snapshot.period, Snapshot.revision)
    )
    if after_snapshot is not None:
        query = query.where(Snapshot.id > after_snapshot.id, Snapshot.period_kind == after_snapshot.period_kind)
    else:
        query = query.where(Snapshot.created_at > filed, Snapshot.period_kind == "month")
    latest: dict[str, LaterResult] = {}
    for snapshot, entry in db.session.execute(query):
        figures = entry.figures
        latest[snapshot.period] = LaterResult(
            snapshot.id,
            snapshot.period,
            figures.get("score"),
            figures.get("score_low"),
            figures.get("score_high"),
            figures.get("band"),
        )  # a later revision of a period replaces the earlier one
    return list(latest.values())


def public_plans_for(agency_id: int) -> list[PublicPlan]:
    """Every plan of the agency, newest first, with progress notes and later published results."""
    plans = db.session.scalars(
        select(ActionPlan)
        .where(ActionPlan.agency_id == agency_id)
        .order_by(ActionPlan.created_at.desc(), ActionPlan.id.desc())
    ).all()
    found = []
    for plan in plans:
        flagged_entry = None
        if plan.snapshot is not None:
            flagged_entry = next((e for e in plan.snapshot.entries if e.agency_id == agency_id), None)
        found.append(
            PublicPlan(
                id=plan.id,
                what=plan.what,
                owner=plan.owner,
                due_on=plan.due_on,
                status=plan.status,
                filed_on=city_date(plan.created_at),
                flagged_period=plan.snapshot.period if plan.snapshot else None,
                flagged_band=flagged_entry.figures.get("band") if flagged_entry else None,
                progress=tuple(PlanProgress(city_date(u.created_at), u.status, u.note) for u in plan.updates),
                later_results=tuple(_later_results(agency_id, plan.agency.peer_group, plan.snapshot, plan.created_at)),
            )
        )
    return found


@dataclass(frozen=True)
class PublicReply:
    replied_on: date
    service_code: str
    service_name_vi: str
    service_name_en: str
    reply: str

    def service_name(self, locale: str) -> str:
        return self.service_name_en if locale == "en" and self.service_name_en else self.service_name_vi


def public_replies_for(agency_id: int, limit: int = 20) -> list[PublicReply]:
    """Replies the agency's managers chose to publish, newest first (never the citizen's comment)."""
    rows = db.session.execute(
        select(Feedback.replied_at, Feedback.updated_at, Service.code, Service.name_vi, Service.name_en, Feedback.reply)
        .join(Response, Response.id == Feedback.response_id)
        .join(Service, Service.id == Response.service_id)
        .where(
            Response.agency_id == agency_id,
            Feedback.reply_public.is_(True),
            Feedback.status == "responded",
            Feedback.reply.is_not(None),
        )
        .order_by(Feedback.replied_at.desc(), Feedback.id.desc())
        .limit(limit)
    ).all()
    return [
        PublicReply(city_date(replied or updated), code, name_vi, name_en, reply)
        for replied, updated, code, name_vi, name_en, reply in rows
    ]
