"""The retention schedule per data class, and the purge that erases what it says is due.

Each class has a setting (days) and an anchor: the moment its clock starts. ``purge``
counts (``dry_run``) or erases, in one transaction, and leaves a receipt in the audit log:
which class, how many, as of when. Published snapshots hold aggregates only and are kept.
Anonymous answers are never erased: only the personal data around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, exists, func, literal, or_, select, update

from survey.audit import record
from survey.extensions import db
from survey.models import AuditLog, Case, Contact, Invitation, Response
from survey.models.base import to_naive_utc
from survey.responses import answered_invitations

ERASED_REF_PREFIX = "~"  # an erased case reference reads "~<case id>": unique, and no longer the agency's
ERASED_TOKEN_PREFIX = "erased:"  # noqa: S105 (a marker, not a secret)
RECEIPT_ACTION = "retention_purge"


@dataclass(frozen=True)
class DataClass:
    key: str
    label: object  # lazy translated string
    setting: str | None  # config key with the days; None = not stored, or kept
    anchor: object  # when the clock starts, in words
    days: int | None = None


CLASSES = (
    DataClass(
        "phone", _l("Citizens' mobile numbers"), "RETENTION_PHONE_DAYS", _l("after the survey closes or is answered")
    ),
    DataClass("raw_comment", _l("Comments as typed"), None, _l("never stored: scrubbed before saving")),
    DataClass("comment", _l("Scrubbed comments"), "RETENTION_COMMENT_DAYS", _l("after the answer")),
    DataClass(
        "invitation",
        _l("Invitations and their link tokens"),
        "RETENTION_INVITATION_DAYS",
        _l("after the survey closes"),
    ),
    DataClass("case_ref", _l("Case references"), "RETENTION_CASE_REF_DAYS", _l("after the case was completed")),
    DataClass("audit", _l("Audit log entries"), "RETENTION_AUDIT_DAYS", _l("after the entry")),
    DataClass("published", _l("Published aggregates (snapshots)"), None, _l("kept: aggregates only, no personal data")),
)


def schedule(app: Flask) -> list[DataClass]:
    """The classes with their configured days (None where nothing is stored or it is kept)."""
    return [
        DataClass(c.key, c.label, c.setting, c.anchor, app.config[c.setting] if c.setting else None) for c in CLASSES
    ]


def _cutoff(name: str, now: datetime) -> datetime:
    return now - timedelta(days=current_app.config[name])


def _phones(now: datetime):
    # Answered links are found by their keyed hash (no column joins an answer to its invitation);
    # numbers are erased nightly, so this is at most about a day's answers through SMS links.
    held = list(db.session.scalars(select(Invitation).join(Contact, Contact.invitation_id == Invitation.id)))
    answered = answered_invitations(held)
    closed = exists().where(
        Invitation.id == Contact.invitation_id, Invitation.expires_at <= _cutoff("RETENTION_PHONE_DAYS", now)
    )
    return Contact.id.in_(select(Contact.id).where(or_(closed, Contact.invitation_id.in_(answered))))


def _rules(now: datetime):
    """(class key, model, condition, what to do) for every class that stores something."""
    erase_token = {
        Invitation.token_salt: "",
        Invitation.token_hash: literal(ERASED_TOKEN_PREFIX, String) + cast(Invitation.id, String),
    }
    return (
        ("phone", Contact, _phones(now), None),
        (
            "comment",
            Response,
            (Response.comment.is_not(None)) & (Response.submitted_at <= _cutoff("RETENTION_COMMENT_DAYS", now)),
            {Response.comment: None},
        ),
        (
            "invitation",
            Invitation,
            (Invitation.token_salt != "") & (Invitation.expires_at <= _cutoff("RETENTION_INVITATION_DAYS", now)),
            erase_token,
        ),
        (
            "case_ref",
            Case,
            (~Case.case_ref.startswith(ERASED_REF_PREFIX))
            & (Case.completed_at <= _cutoff("RETENTION_CASE_REF_DAYS", now)),
            {Case.case_ref: literal(ERASED_REF_PREFIX, String) + cast(Case.id, String)},
        ),
        ("audit", AuditLog, AuditLog.at <= _cutoff("RETENTION_AUDIT_DAYS", now), None),
    )


def purge(now: datetime, dry_run: bool = False) -> dict[str, int]:
    """Erase (or with ``dry_run`` only count) every class's rows past their time; a receipt when erasing."""
    now = to_naive_utc(now)
    counts: dict[str, int] = {}
    for key, model, condition, values in _rules(now):
        counts[key] = db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        if dry_run or not counts[key]:
            continue
        if values is None:
            db.session.execute(delete(model).where(condition).execution_options(synchronize_session=False))
        else:
            db.session.execute(
                update(model).where(condition).values(values).execution_options(synchronize_session=False)
            )
    if dry_run:
        db.session.rollback()
        return counts
    record("retention", RECEIPT_ACTION, "", None, {"as_of": now.isoformat(timespec="seconds") + "Z", **counts})
    db.session.commit()
    return counts
