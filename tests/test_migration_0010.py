"""Migration 0010 on a database with answers: the straight-line flag is backfilled as the check defined it,
the tallies gain the checks' counts, and the triggers are re-installed both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from survey import tallies
from survey.extensions import db
from tests import factories
from tests.integrity.test_check_tallies import stored_and_old
from tests.test_migrations import drop_version_table


def test_upgrade_backfills_the_flag_and_the_tallies_and_downgrade_restores_0009(app):
    db.drop_all()
    drop_version_table()
    upgrade()
    factories.small_city()
    top = {"ease": 5, "timeliness": 1, "courtesy": 5, "fairness": 1, "outcome": 1}
    rows = [(5, top)] * 4 + [(5, {**top, "timeliness": 3}), (4, top), (5, {"ease": 5})]
    factories.responses_with_drivers("Q1-BN", rows, datetime.now(UTC) - timedelta(hours=1))
    db.session.remove()

    downgrade(revision="0009_plan_review")
    assert "all_positive" not in {c["name"] for c in inspect(db.engine).get_columns("response")}
    with db.engine.connect() as connection:
        assert tallies.table_counts(connection) == tallies.COUNTS_0008
        assert tallies.installed(connection) == set(tallies.TRIGGERS)  # the 0008 triggers, and they work:
        connection.execute(text("UPDATE response SET overall = 1 WHERE overall = 4"))
        connection.commit()
        counts = ", ".join(tallies.COUNTS_0008)
        stored = connection.execute(text(f"SELECT {', '.join(tallies.KEY)}, {counts} FROM answer_tally"))  # noqa: S608
        recount = tallies.recount_sql(connection.dialect.name, counts=tallies.COUNTS_0008)
        assert {tuple(r) for r in stored if any(r[5:])} == {tuple(r) for r in connection.execute(text(recount))}

    upgrade()
    pairs = stored_and_old(db)
    assert sum(stored for stored, _ in pairs.values()) == 4
    assert all(stored == old for stored, old in pairs.values())
    differences, missing = tallies.reconcile(db.session)
    assert differences == [] and missing == []
    assert db.session.scalar(text("SELECT sum(all_positive) FROM answer_tally")) == 4
    db.session.remove()
    downgrade(revision="base")
    drop_version_table()
    db.create_all()
