"""Flags and their review: checks turn into held answers, an auditor releases or voids them.

``run_checks`` is what the scheduler and ``publish()`` call; ``decide`` is what the auditor's
page calls. Every hold and every decision goes to the audit log. A response's stored
``integrity`` is derived from its flags: voided if any flag voiding it, else held if any
flag holds it, else counted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session

from ranking.periods import Period, parse_period, period_containing
from survey.audit import record
from survey.integrity.checks import Finding, find_patterns
from survey.integrity.device import erase_old_device_hashes
from survey.models import IntegrityFlag, Response, flag_responses
from survey.models.base import to_naive_utc, utcnow

DECISIONS = {"release": "released", "void": "voided"}
CHECKER = "integrity-checks"


class ReviewError(ValueError):
    """A decision that cannot be taken (unknown decision, empty reason, already decided)."""


def months_of(period: Period) -> list[Period]:
    """The months a period covers: checks and flags are always monthly."""
    if period.kind == "month":
        return [period]
    months = [period_containing(period.start, "month")]
    while months[-1].end < period.end:
        months.append(months[-1].next())
    return months


def run_checks(session: Session, period: Period | str, *, now: datetime | None = None) -> list[IntegrityFlag]:
    """Run every check for the months of ``period``, hold what they find, and commit."""
    period = parse_period(period) if isinstance(period, str) else period
    now = now or datetime.now(UTC)
    erase_old_device_hashes(now)
    flags = []
    for month in months_of(period):
        for finding in find_patterns(session, month):
            flags.append(_apply(session, month, finding, now))
        refresh_statuses(session, month)
    session.commit()
    return flags


def _apply(session: Session, month: Period, finding: Finding, now: datetime) -> IntegrityFlag:
    flag = session.scalar(
        select(IntegrityFlag).where(
            IntegrityFlag.agency_id == finding.agency_id,
            IntegrityFlag.period == month.key,
            IntegrityFlag.kind == finding.kind,
        )
    )
    created = flag is None
    if flag is None:
        flag = IntegrityFlag(
            agency_id=finding.agency_id,
            period=month.key,
            kind=finding.kind,
            status="held",
            detected_at=to_naive_utc(now),
            evidence={},
        )
        session.add(flag)
        session.flush()
    known = set(session.scalars(select(flag_responses.c.response_id).where(flag_responses.c.flag_id == flag.id)))
    new = sorted(finding.response_ids - known)
    if new:
        session.execute(insert(flag_responses), [{"flag_id": flag.id, "response_id": rid} for rid in new])
    if new and flag.status != "held":  # fresh answers after a decision: back to review
        flag.status = "held"
    flag.evidence = {**finding.evidence, "responses": len(known) + len(new)}
    if created or new:
        after = {"agency_id": flag.agency_id, "period": month.key, "kind": flag.kind, "new_responses": len(new)}
        record(CHECKER, "integrity.hold", f"flag:{flag.id}", None, after)
    return flag


def hold_key_answers(session: Session, api_key_id: int, *, now: datetime | None = None) -> int:
    """Hold every answer to a link the key minted (a "revoked_key" flag per agency and month); returns how many."""
    now = now or datetime.now(UTC)
    rows = session.execute(
        select(Response.id, Response.agency_id, Response.submitted_at).where(
            Response.api_key_id == api_key_id, Response.integrity != "voided"
        )
    ).all()
    findings: dict[tuple[str, int], Finding] = {}
    months: dict[str, Period] = {}
    for response_id, agency_id, submitted in rows:
        month = period_containing(submitted.replace(tzinfo=UTC), "month")
        months[month.key] = month
        finding = findings.setdefault(
            (month.key, agency_id), Finding(agency_id, "revoked_key", evidence={"api_key": api_key_id})
        )
        finding.response_ids.add(response_id)
    for (key, _agency), finding in findings.items():
        _apply(session, months[key], finding, now)
    for month in months.values():
        refresh_statuses(session, month)
    return len(rows)


def _in_flags(status: str):
    return exists().where(
        flag_responses.c.response_id == Response.id,
        flag_responses.c.flag_id == IntegrityFlag.id,
        IntegrityFlag.status == status,
    )


def _flagged_in(month: Period, status: str):
    """Ids of the answers held by the month's flags with ``status`` (flags hold only answers of their month)."""
    return (
        select(flag_responses.c.response_id)
        .join(IntegrityFlag, IntegrityFlag.id == flag_responses.c.flag_id)
        .where(IntegrityFlag.period == month.key, IntegrityFlag.status == status)
    )


def refresh_statuses(session: Session, month: Period) -> None:
    """Derive every response's status in the month from its flags (three set-based updates).

    Voided wins over held, held over counted. Each update starts from the few rows that can
    change: "counted" from the answers now held or voided (the integrity index), "held" and
    "voided" from the month's flagged answers (the flags' period index, then primary keys).
    A month of ten million counted answers with few flags costs index lookups, and only
    real changes are written (the answer tallies' triggers see only those).
    """
    window = (Response.submitted_at >= to_naive_utc(month.start), Response.submitted_at < to_naive_utc(month.end))
    held, voided = _in_flags("held"), _in_flags("voided")
    changes = (
        ("counted", (Response.integrity.in_(("held", "voided")), ~held, ~voided)),
        ("held", (Response.id.in_(_flagged_in(month, "held")), Response.integrity != "held", ~voided)),
        ("voided", (Response.id.in_(_flagged_in(month, "voided")), Response.integrity != "voided")),
    )
    for status, conditions in changes:
        session.execute(
            update(Response).where(*window, *conditions).values(integrity=status),
            execution_options={"synchronize_session": False},
        )


def flag_response_count(session: Session, flag: IntegrityFlag) -> int:
    return len(session.scalars(select(flag_responses.c.response_id).where(flag_responses.c.flag_id == flag.id)).all())


def decide(session: Session, flag: IntegrityFlag, decision: str, reason: str, *, actor: str) -> None:
    """Release or void a held flag with a reason; audited, and the answers' status follows."""
    status = DECISIONS.get(decision)
    if status is None:
        raise ReviewError("unknown decision")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("a reason is required")
    if flag.status != "held":
        raise ReviewError("this flag has already been decided")
    before = {"status": flag.status}
    flag.status, flag.reason, flag.decided_by, flag.decided_at = status, reason, actor, utcnow()
    record(actor, f"integrity.{decision}", f"flag:{flag.id}", before, {"status": status, "reason": reason})
    session.flush()
    refresh_statuses(session, parse_period(flag.period))
    session.commit()
