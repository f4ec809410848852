"""Flags as plain rows: the ``integrity report`` JSON (DESIGN.md contract) and the auditor's pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ranking.periods import Period
from survey.integrity.review import months_of
from survey.models import IntegrityFlag, flag_responses
from survey.models.base import as_utc


def _iso(moment) -> str | None:
    return as_utc(moment).isoformat().replace("+00:00", "Z") if moment else None


def period_flags(session: Session, period: Period, agency_ids: set[int] | None = None) -> list[IntegrityFlag]:
    """The flags of the period's months, oldest first; optionally only some agencies."""
    query = (
        select(IntegrityFlag)
        .where(IntegrityFlag.period.in_([m.key for m in months_of(period)]))
        .options(joinedload(IntegrityFlag.agency))
        .order_by(IntegrityFlag.detected_at, IntegrityFlag.id)
    )
    if agency_ids is not None:
        query = query.where(IntegrityFlag.agency_id.in_(agency_ids))
    return list(session.scalars(query))


def held_counts(session: Session, flag_ids: list[int]) -> dict[int, int]:
    """How many answers each flag holds, in one query."""
    if not flag_ids:
        return {}
    query = (
        select(flag_responses.c.flag_id, func.count())
        .where(flag_responses.c.flag_id.in_(flag_ids))
        .group_by(flag_responses.c.flag_id)
    )
    return {flag_id: int(n) for flag_id, n in session.execute(query)}


def flag_row(flag: IntegrityFlag, responses: int) -> dict[str, Any]:
    """One flag as the report prints it: aggregate evidence only, never a case or a device."""
    return {
        "id": flag.id,
        "agency_code": flag.agency.code,
        "period": flag.period,
        "kind": flag.kind,
        "responses": responses,
        "status": flag.status,
        "detected_at": _iso(flag.detected_at),
        "decided_at": _iso(flag.decided_at),
        "reason": flag.reason,
        "evidence": flag.evidence,
    }


def report_rows(session: Session, period: Period) -> list[dict[str, Any]]:
    flags = period_flags(session, period)
    counts = held_counts(session, [f.id for f in flags])
    return [flag_row(flag, counts.get(flag.id, 0)) for flag in flags]
