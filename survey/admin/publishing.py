"""The publication schedule as configured, its next run times, and publishing a period by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from apscheduler.triggers.cron import CronTrigger
from babel.dates import format_date, format_datetime
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ranking.periods import CITY_TZ, parse_period
from survey.admin.trail import actor
from survey.extensions import db
from survey.i18n import current_locale
from survey.models import Snapshot
from survey.publication import PublishResult, publish
from survey.publication.counts import peer_groups

SCHEDULE_SETTINGS = ("PUBLISH_MONTHLY_CRON", "PUBLISH_QUARTERLY_CRON")
NEXT_RUNS = 3


# What each schedule publishes, for an official who does not read cron.
SCHEDULE_PURPOSES = {
    "PUBLISH_MONTHLY_CRON": _l("Monthly rankings (the month just ended)"),
    "PUBLISH_QUARTERLY_CRON": _l("Quarterly rankings (the quarter just ended)"),
}


@dataclass(frozen=True)
class ScheduleEntry:
    setting: str
    expression: str
    next_runs: list[datetime]
    problem: str | None = None

    @property
    def purpose(self) -> str:
        return str(SCHEDULE_PURPOSES.get(self.setting, self.setting))

    @property
    def in_words(self) -> str | None:
        return cron_in_words(self.expression)


@dataclass(frozen=True)
class PublicationPlan:
    """What "Publish now" would do, shown on the check-your-answers page before it is done."""

    period: str
    provisional: bool
    to_publish: list[str]
    already_published: list[str]


def cron_in_words(expression: str) -> str | None:
    """ "0 6 1 * *" as "On day 1 of every month at 06:00"; None for shapes other than a day of month."""
    fields = expression.split()
    if len(fields) != 5 or fields[4] != "*" or not all(part.isdigit() for part in fields[:3]):
        return None
    minute, hour, day = (int(part) for part in fields[:3])
    moment = f"{hour:02d}:{minute:02d}"
    if fields[3] == "*":
        return _("On day %(day)d of every month at %(time)s (city time)", day=day, time=moment)
    months = fields[3].split(",")
    if not all(month.isdigit() and 1 <= int(month) <= 12 for month in months):
        return None
    names = [format_date(date(2026, int(month), 1), "LLLL", locale=current_locale()) for month in months]
    return _("On day %(day)d of %(months)s at %(time)s (city time)", day=day, months=", ".join(names), time=moment)


def run_in_words(moment: datetime) -> str:
    """A run time as "Tuesday, 1 December 2026, 06:00" in the reader's language, city time."""
    return format_datetime(moment, "EEEE, d MMMM y, HH:mm", tzinfo=CITY_TZ, locale=current_locale())


def next_runs(expression: str, now: datetime, count: int = NEXT_RUNS) -> list[datetime]:
    """The next ``count`` fire times of a crontab expression, in city time (Asia/Ho_Chi_Minh)."""
    trigger = CronTrigger.from_crontab(expression, timezone=CITY_TZ)
    runs: list[datetime] = []
    previous = None
    moment = now.astimezone(CITY_TZ)
    for _step in range(count):
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        runs.append(fire)
        previous, moment = fire, fire
    return runs


def schedule(now: datetime | None = None) -> list[ScheduleEntry]:
    now = now or datetime.now(UTC)
    entries = []
    for setting in SCHEDULE_SETTINGS:
        expression = current_app.config[setting]
        try:
            entries.append(ScheduleEntry(setting, expression, next_runs(expression, now)))
        except ValueError as exc:  # a bad SURVEY_PUBLISH_*_CRON: show it rather than fail the page
            entries.append(ScheduleEntry(setting, expression, [], str(exc)))
    return entries


def scheduler_status() -> dict[str, bool]:
    return {
        "enabled": bool(current_app.config.get("SCHEDULER_ENABLED")),
        "running_here": "scheduler" in current_app.extensions,
    }


def recent_snapshots(limit: int = 10) -> list[Snapshot]:
    return list(db.session.scalars(select(Snapshot).order_by(Snapshot.id.desc()).limit(limit)))


def publication_plan(period_key: str, provisional: bool) -> PublicationPlan:
    """Which peer groups a publication now would add, and which it would skip as already published."""
    done = set(db.session.scalars(select(Snapshot.peer_group).where(Snapshot.period == period_key)))
    groups = peer_groups(db.session)
    return PublicationPlan(
        period_key,
        provisional,
        [group for group in groups if group not in done],
        sorted(group for group in done if group in groups),
    )


def publish_now(period_key: str, provisional: bool) -> list[PublishResult]:
    """Publish every peer group of the period (raises ``PublicationError`` for an unfinished one)."""
    return publish(parse_period(period_key), actor=actor(), provisional=provisional)
