"""The in-app publication scheduler: when it fires, and that its start-up catch-up publishes."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import func, select

from ranking.periods import CITY_TZ
from survey.models import Snapshot
from survey.scheduler import build_scheduler, start
from tests.publication.helpers import september_wards


def test_jobs_fire_on_the_first_at_six_city_time(app):
    scheduler = build_scheduler(app)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        monthly = jobs["publish_monthly_cron"].next_run_time.astimezone(CITY_TZ)
        quarterly = jobs["publish_quarterly_cron"].next_run_time.astimezone(CITY_TZ)
        assert (monthly.day, monthly.hour, monthly.minute) == (1, 6, 0)
        assert (quarterly.day, quarterly.month % 3, quarterly.hour) == (1, 1, 6)
        assert monthly > datetime.now(CITY_TZ)
        assert "catch_up_at_start" in jobs
    finally:
        scheduler.shutdown(wait=False)


def test_scheduler_catches_up_missed_publications_at_start(app, db, city):
    september_wards()
    app.config["SCHEDULER_ENABLED"] = True
    start(app)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.rollback()
            if db.session.scalar(select(func.count()).select_from(Snapshot)) >= 2:
                break
            time.sleep(0.5)
        periods = set(db.session.scalars(select(Snapshot.period)))
        assert {"2026-09", "2026-Q3"} <= periods
    finally:
        app.extensions.pop("scheduler").shutdown(wait=True)


def test_scheduler_stays_off_unless_enabled(app):
    start(app)
    assert "scheduler" not in app.extensions
