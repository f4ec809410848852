"""Migration 0011 on a database with cases: case tallies backfilled, kept by triggers, removed by downgrade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from survey import case_tallies
from survey.extensions import db
from tests import factories
from tests.test_migrations import drop_version_table


def test_upgrade_backfills_the_case_tallies_and_downgrade_restores_0010(app):
    db.drop_all()
    drop_version_table()
    upgrade(revision="0010_check_tallies")
    factories.small_city()
    factories.responses("Q1-BN", 3, 1, datetime.now(UTC) - timedelta(days=40), invited_only=2, late=1)
    db.session.remove()

    upgrade()
    differences, missing = case_tallies.reconcile(db.session)
    assert differences == [] and missing == []
    assert db.session.scalar(text("SELECT sum(cases) FROM case_tally")) == 6
    factories.responses("Q1-DK", 2, 0, datetime.now(UTC) - timedelta(days=2))  # the triggers count new cases
    assert case_tallies.reconcile(db.session) == ([], [])
    assert db.session.scalar(text("SELECT sum(cases) FROM case_tally")) == 8
    db.session.remove()

    downgrade(revision="0010_check_tallies")
    assert "case_tally" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as connection:
        assert case_tallies.installed(connection) == set()
    factories.responses("Q3-P1", 1, 0, datetime.now(UTC) - timedelta(days=1))  # cases still insert without it
    db.session.remove()

    upgrade()
    assert case_tallies.reconcile(db.session) == ([], [])
    assert db.session.scalar(text("SELECT sum(cases) FROM case_tally")) == 9
    db.session.remove()
    downgrade(revision="base")
    drop_version_table()
    db.create_all()
