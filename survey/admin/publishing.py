"""The publication schedule as configured, its next run times, and publishing a period by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger
from flask import current_app
from sqlalchemy import select

from ranking.periods import CITY_TZ, parse_period
from survey.admin.trail import actor
from survey.extensions import db
from survey.models import Snapshot
from survey.publication import PublishResult, publish

SCHEDULE_SETTINGS = ("PUBLISH_MONTHLY_CRON", "PUBLISH_QUARTERLY_CRON")
NEXT_RUNS = 3


@dataclass(frozen=True)
class ScheduleEntry:
    setting: str
    expression: str
    next_runs: list[datetime]
    problem: str | None = None


def next_runs(expression: str, now: datetime, count: int = NEXT_RUNS) -> list[datetime]:
    """The next ``count`` fire times of a crontab expression, in city time (Asia/Ho_Chi_Minh)."""
    trigger = CronTrigger.from_crontab(expression, timezone=CITY_TZ)
    runs: list[datetime] = []
    previous = None
    moment = now.astimezone(CITY_TZ)
    for _ in range(count):
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


def publish_now(period_key: str, provisional: bool) -> list[PublishResult]:
    """Publish every peer group of the period (raises ``PublicationError`` for an unfinished one)."""
    return publish(parse_period(period_key), actor=actor(), provisional=provisional)
