"""The checks run on the scheduler too, not only before publication."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Response
from survey.scheduler import build_scheduler, run_integrity
from tests import factories
from tests.actions import submit
from tests.integrity.test_attack import ATTACK, TOP, mint


def test_the_scheduler_runs_the_checks_every_hour(app):
    scheduler = build_scheduler(app)
    scheduler.start(paused=True)
    try:
        job = {job.id: job for job in scheduler.get_jobs()}["integrity"]
        assert job.trigger.interval.total_seconds() == 3600
    finally:
        scheduler.shutdown(wait=False)


def test_a_scheduled_run_holds_a_burst(app, client, city, db):
    key = factories.api_key(("Q1-BN",))
    for token in mint(client, key, ATTACK):
        submit(client, token, **TOP)
    run_integrity(app)
    assert set(db.session.scalars(select(Response.integrity))) == {"held"}
