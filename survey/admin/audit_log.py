"""Reading the audit log: newest first, filtered by action, actor, dates and kind of event; a page or a CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from ranking.periods import CITY_TZ
from survey.audit_words import action_name, changes_in_words, target_names
from survey.extensions import db
from survey.manage.export import csv_line
from survey.manage.inbox import LIKE_ESCAPE, escape_like
from survey.models import AuditLog
from survey.models.base import as_utc
from survey.vocabulary import ACCOUNT_EVENTS

PAGE_SIZE = 50
BATCH = 500
# What the "events" filter may ask for; changes only is the default so sign-ins do not swamp the log.
EVENT_KINDS = ("changes", "account", "all")
CSV_COLUMNS = ("when", "actor", "action", "target", "changes")


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None
    events: str = "changes"


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))


def _utc(day: date) -> datetime:
    """Midnight starting ``day`` in the city, as the naive UTC the log stores."""
    return datetime.combine(day, time(), CITY_TZ).astimezone(UTC).replace(tzinfo=None)


def audit_query(wanted: AuditFilter) -> Select:
    query = select(AuditLog).order_by(AuditLog.id.desc())
    if wanted.action:
        query = query.where(AuditLog.action == wanted.action)
    elif wanted.events == "changes":
        query = query.where(AuditLog.action.not_in(ACCOUNT_EVENTS))
    elif wanted.events == "account":
        query = query.where(AuditLog.action.in_(ACCOUNT_EVENTS))
    if wanted.actor:
        # Literal substring match: "%" finds a percent sign.
        pattern = f"%{escape_like(wanted.actor.lower())}%"
        query = query.where(func.lower(AuditLog.actor).like(pattern, escape=LIKE_ESCAPE))
    if wanted.since:
        query = query.where(AuditLog.at >= _utc(wanted.since))
    if wanted.until:
        query = query.where(AuditLog.at < _utc(wanted.until + timedelta(days=1)))
    return query


def audit_page(wanted: AuditFilter, page: int = 1):
    """A Flask-SQLAlchemy pagination of matching entries; an out-of-range page is simply empty."""
    return db.paginate(audit_query(wanted), page=page, per_page=PAGE_SIZE, error_out=False, count=True)


def local_time(entry: AuditLog) -> str:
    return as_utc(entry.at).astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M")


def csv_lines(wanted: AuditFilter) -> Iterator[str]:
    """The matching entries in words, newest first; a BOM so spreadsheet apps read UTF-8."""
    yield "\ufeff" + csv_line(CSV_COLUMNS)
    query = audit_query(wanted).execution_options(yield_per=BATCH)
    for batch in db.session.scalars(query).partitions(BATCH):
        names = target_names(batch)
        for entry in batch:
            target = names.get(entry.target, entry.target)
            changes = "; ".join(changes_in_words(entry.before, entry.after))
            yield csv_line((local_time(entry), entry.actor, action_name(entry.action), target, changes))
