"""Answer tallies (survey/tallies.py) follow every write to ``response`` and equal a full recount."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import case, delete, func, select, text, update

from ranking.periods import CITY_TZ, PARSE_YEARS, parse_period, period_containing
from survey import tallies
from survey.integrity.review import decide, run_checks
from survey.models import Answer, AnswerTally, AuditLog, IntegrityFlag, Response
from survey.models.base import to_naive_utc
from survey.publication.counts import period_counts
from tests import factories
from tests.actions import submit
from tests.integrity.test_attack import TOP, genuine_month, mint


def scanned(db, period) -> dict[int, tuple[int, int, int, int, int]]:
    """What publication used to read: every answer of the period, scanned (the reference)."""
    start, end = to_naive_utc(period.start), to_naive_utc(period.end)
    counted = (Response.integrity == "counted") & (Response.channel != "assisted")
    rows = db.session.execute(
        select(
            Response.agency_id,
            func.sum(case((counted & Response.overall.is_not(None), 1), else_=0)),
            func.sum(case((counted & (Response.overall >= 4), 1), else_=0)),
            func.sum(case((Response.integrity == "held", 1), else_=0)),
            func.sum(case((Response.integrity == "voided", 1), else_=0)),
            func.sum(case((counted & (Response.overall <= 2), 1), else_=0)),
        )
        .where(Response.submitted_at >= start, Response.submitted_at < end)
        .group_by(Response.agency_id)
    )
    return {agency: tuple(int(v or 0) for v in values) for agency, *values in rows}


def published_view(db, period) -> dict[int, tuple[int, int, int, int, int]]:
    counts = period_counts(db.session, period)
    return {
        agency: (c.responses, c.positive, c.held, c.voided, c.dissatisfied)
        for agency, c in counts.items()
        if c.responses or c.held or c.voided or c.by_channel or c.assisted
    }


def assert_reconciled(db, period) -> None:
    differences, missing = tallies.reconcile(db.session)
    assert differences == [] and missing == []
    assert published_view(db, period) == scanned(db, period)


def test_tallies_follow_submissions_holds_voids_releases_and_deletions(client, city, db):
    now = datetime.now(UTC)
    period = period_containing(now, "month")
    genuine_month(now)  # bulk inserts (executemany)
    key = factories.api_key(("Q1-BN",), name="Q1-BN case system")
    for token in mint(client, key, 30):  # a burst through the real citizen form, one by one
        assert submit(client, token, **TOP).status_code == 303
    assert_reconciled(db, period)
    assert published_view(db, period)[city.agencies["Q1-BN"].id][0] == 30

    run_checks(db.session, period, now=now)  # the burst is held by one bulk UPDATE
    db.session.commit()
    assert_reconciled(db, period)
    assert published_view(db, period)[city.agencies["Q1-BN"].id][2] == 30

    flags = db.session.scalars(select(IntegrityFlag).where(IntegrityFlag.status == "held")).all()
    assert flags
    decide(db.session, flags[0], "void", "fabricated by the ward's own key", actor="test")
    assert_reconciled(db, period)
    for flag in db.session.scalars(select(IntegrityFlag).where(IntegrityFlag.status == "held")):
        decide(db.session, flag, "release", "checked by phone", actor="test")
    assert_reconciled(db, period)

    # A changed rating, a moved timestamp (into last month) and an erasure.
    first, second, third = db.session.scalars(select(Response.id).order_by(Response.id).limit(3)).all()
    db.session.execute(update(Response).where(Response.id == first).values(overall=1))
    last_month = to_naive_utc(period.start) - timedelta(days=3)
    db.session.execute(update(Response).where(Response.id == second).values(submitted_at=last_month))
    db.session.execute(delete(Answer).where(Answer.response_id == third))
    db.session.execute(delete(Response).where(Response.id == third))
    db.session.commit()
    assert_reconciled(db, period)
    assert_reconciled(db, period.previous())


def test_month_edges_follow_city_time(city, db):
    """An answer at 23:59 city time on the 31st counts in that month; at 00:00 in the next."""
    october = parse_period("2026-10")
    factories.responses("Q1-BN", 1, 0, datetime(2026, 10, 31, 23, 59, tzinfo=CITY_TZ), prefix="EDGE-A")
    factories.responses("Q1-BN", 2, 0, datetime(2026, 11, 1, 0, 0, tzinfo=CITY_TZ), prefix="EDGE-B")
    assert_reconciled(db, october)
    assert published_view(db, october)[city.agencies["Q1-BN"].id][0] == 1
    assert published_view(db, parse_period("2026-Q4"))[city.agencies["Q1-BN"].id][0] == 3
    assert db.session.scalar(select(func.sum(AnswerTally.responses)).where(AnswerTally.month == "2026-11")) == 2


def test_the_city_offset_the_tallies_assume_holds_for_every_period_a_user_may_name():
    for year in PARSE_YEARS:
        for month in range(1, 13):
            moment = datetime(year, month, 1, tzinfo=CITY_TZ)
            assert moment.utcoffset() == timedelta(hours=tallies.CITY_UTC_OFFSET_HOURS), moment


def test_a_corrupted_tally_is_caught_by_verify_and_repaired_by_recount(city, db, runner):
    factories.responses("Q1-BN", 4, 1, datetime.now(UTC) - timedelta(days=1))
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0
    db.session.execute(text("UPDATE answer_tally SET satisfied = satisfied + 1"))
    db.session.commit()

    result = runner.invoke(args=["ranking", "verify"])
    assert result.exit_code == 1, result.output
    assert "Answer tallies: FAILED, 1 differ" in result.output
    assert "stored (5, 5, 5, 1, 0, 0), recounted (5, 5, 4, 1, 0, 0)" in result.output

    result = runner.invoke(args=["ranking", "recount"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "tallies.rebuild"))
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0


def test_a_missing_trigger_is_caught(city, db, runner):
    with db.engine.begin() as connection:
        connection.exec_driver_sql(tallies.uninstall_statements(connection.dialect.name)[0])
    result = runner.invoke(args=["ranking", "verify"])
    assert result.exit_code == 1 and "triggers missing on response: answer_tally_on_insert" in result.output
    assert runner.invoke(args=["ranking", "recount"]).exit_code == 0
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0


def test_migrations_install_the_triggers_and_backfill(app, db):
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    with db.engine.connect() as connection:
        assert tallies.installed(connection) == set(tallies.TRIGGERS)
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.create_all()
