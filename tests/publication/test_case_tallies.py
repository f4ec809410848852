"""Case tallies (survey/case_tallies.py) follow every write to cases and invitations and equal a full recount."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from scipy import stats
from sqlalchemy import case, delete, func, insert, select, text, update

from ranking.periods import period_containing
from survey import case_tallies
from survey.integrity import checks
from survey.models import AuditLog, Case, Invitation
from survey.models.base import to_naive_utc
from survey.privacy.retention import purge
from survey.publication.counts import period_counts
from tests import factories


def old_monthly(db, period, where) -> dict[int, list[int]]:
    """The coverage check's scan before the tallies: one GROUP BY over the cases per month (the reference)."""
    months = [period]
    for _ in range(checks.HISTORY_MONTHS):
        months.insert(0, months[0].previous())
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(months))
    for index, month in enumerate(months):
        start, end = to_naive_utc(month.start), to_naive_utc(month.end)
        query = (
            select(Case.agency_id, func.count())
            .where(Case.completed_at >= start, Case.completed_at < end, *where)
            .group_by(Case.agency_id)
        )
        for agency_id, number in db.session.execute(query):
            counts[agency_id][index] = int(number)
    return dict(counts)


def old_check_coverage(db, period) -> list[checks.Finding]:
    """``check_coverage`` as it was, over the scan (same thresholds and test)."""
    cases = old_monthly(db, period, [])
    invited = old_monthly(db, period, [select(Invitation.id).where(Invitation.case_id == Case.id).exists()])
    findings = []
    for agency_id, series in cases.items():
        inv = invited.get(agency_id, [0] * len(series))
        past_cases, past_inv = sum(series[:-1]), sum(inv[:-1])
        n, k = series[-1], inv[-1]
        if n < checks.COVERAGE_MIN_CASES or past_cases < checks.COVERAGE_MIN_CASES:
            continue
        usual = past_inv / past_cases
        p_value = float(stats.binom.cdf(k, n, min(usual, 1 - 1e-6)))
        if k / n < checks.COVERAGE_DROP * usual and p_value < checks.ALPHA:
            evidence = {
                "cases": n,
                "invited": k,
                "coverage": round(k / n, 4),
                "usual": round(usual, 4),
                "p_value": float(f"{p_value:.3g}"),
                "alpha": checks.ALPHA,
            }
            findings.append(checks.Finding(agency_id, "coverage", evidence=evidence))
    return findings


def old_period_counts(db, period) -> dict[int, tuple[int, int, int]]:
    """Publication's invitations, cases and on-time cases as it scanned them before the tallies."""
    start, end = to_naive_utc(period.start), to_naive_utc(period.end)
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    invited = (
        select(Case.agency_id, func.count(Invitation.id))
        .join(Invitation, Invitation.case_id == Case.id)
        .where(Invitation.issued_at >= start, Invitation.issued_at < end)
        .group_by(Case.agency_id)
    )
    for agency_id, number in db.session.execute(invited):
        result[agency_id][0] = int(number)
    completed = (
        select(Case.agency_id, func.count(Case.id), func.sum(case((Case.completed_at <= Case.due_at, 1), else_=0)))
        .where(Case.completed_at >= start, Case.completed_at < end)
        .group_by(Case.agency_id)
    )
    for agency_id, number, on_time in db.session.execute(completed):
        result[agency_id][1], result[agency_id][2] = int(number), int(on_time or 0)
    return {agency: tuple(values) for agency, values in result.items()}


def published_view(db, period) -> dict[int, tuple[int, int, int]]:
    counts = period_counts(db.session, period)
    return {a: (c.invitations, c.cases, c.on_time) for a, c in counts.items() if c.invitations or c.cases}


def key(finding: checks.Finding) -> tuple:
    return finding.agency_id, finding.kind


def uninvited_cases(city, code: str, count: int, completed: datetime, prefix: str) -> list[int]:
    """Cases with no invitation (an integrator that stopped asking for links), bulk-inserted."""
    stamp = to_naive_utc(completed)
    rows = [
        {
            "agency_id": city.agencies[code].id,
            "service_id": city.services["HT-KHAISINH"].id,
            "case_ref": f"{prefix}-{code}-{i}",
            "received_at": stamp - timedelta(days=1),
            "due_at": stamp + timedelta(hours=i % 3 - 1),  # some late, some on time
            "completed_at": stamp,
            "channel": "counter",
            "source": "api_key",
        }
        for i in range(count)
    ]
    from survey.extensions import db

    db.session.execute(insert(Case), rows)
    db.session.commit()
    return list(db.session.scalars(select(Case.id).where(Case.case_ref.like(f"{prefix}-{code}-%"))))


def assert_same_as_scans(db, period) -> None:
    differences, missing = case_tallies.reconcile(db.session)
    assert differences == [] and missing == []
    assert checks._monthly_cases(db.session, period) == (
        old_monthly(db, period, []),
        old_monthly(db, period, [select(Invitation.id).where(Invitation.case_id == Case.id).exists()]),
    )
    assert sorted(checks.check_coverage(db.session, period), key=key) == sorted(old_check_coverage(db, period), key=key)
    for month in [period.previous(), period]:
        assert published_view(db, month) == old_period_counts(db, month)


def test_coverage_and_counts_from_tallies_equal_the_old_scans(city, db):
    now = datetime.now(UTC)
    period = period_containing(now, "month")
    month = period
    for back in range(1, checks.HISTORY_MONTHS + 1):  # six months of history, every case invited
        month = month.previous()
        middle = month.start + timedelta(days=14)
        factories.responses("Q1-BN", 20, 5, middle, invited_only=10, late=3, prefix=f"H{back}")
        factories.responses("Q3-P1", 10, 2, middle, invited_only=15, prefix=f"H{back}")
    # This month: Q1-BN invites few of its cases (a coverage finding), Q3-P1 goes on as usual.
    this = period.start + timedelta(hours=1) if now - period.start < timedelta(days=1) else now - timedelta(hours=3)
    factories.responses("Q1-BN", 3, 1, this, invited_only=1, prefix="N")
    uninvited_cases(city, "Q1-BN", 60, this - timedelta(hours=1), "U")
    factories.responses("Q3-P1", 10, 2, this, invited_only=15, prefix="N", invited_when_submitted=True)
    # The first hour of a city month is the previous UTC day: on the boundary, counted by city time.
    edge = period.start.astimezone(UTC) + timedelta(minutes=30)
    uninvited_cases(city, "Q1-DK", 5, edge, "E")
    uninvited_cases(city, "Q1-DK", 4, edge - timedelta(hours=1), "F")
    assert_same_as_scans(db, period)
    assert [f.agency_id for f in checks.check_coverage(db.session, period)] == [city.agencies["Q1-BN"].id]

    # Deleted invitations (and the cases they belonged to), cases moved between months and
    # agencies, changed due dates and issue dates: every kind of write moves the tallies.
    doomed = list(db.session.scalars(select(Invitation.id).join(Case).where(Case.case_ref.like("H1-Q3-P1-%")).limit(7)))
    db.session.execute(delete(Invitation).where(Invitation.id.in_(doomed[:4])))
    dropped_cases = select(Invitation.case_id).where(Invitation.id.in_(doomed[4:]))
    case_ids = list(db.session.scalars(dropped_cases))
    db.session.execute(delete(Invitation).where(Invitation.id.in_(doomed[4:])))
    db.session.execute(delete(Case).where(Case.id.in_(case_ids)))
    earlier = to_naive_utc(period.previous().start + timedelta(days=3))
    db.session.execute(update(Case).where(Case.case_ref.like("U-Q1-BN-1%")).values(completed_at=earlier))
    db.session.execute(
        update(Case).where(Case.case_ref.like("H2-Q1-BN-2%")).values(agency_id=city.agencies["Q3-P2"].id)
    )
    db.session.execute(update(Case).where(Case.case_ref.like("H3-Q1-BN-%")).values(due_at=earlier))
    db.session.execute(
        update(Invitation)
        .where(Invitation.case_id.in_(select(Case.id).where(Case.case_ref.like("H1-Q1-BN-%"))))
        .values(issued_at=to_naive_utc(period.start + timedelta(hours=2)))
    )
    db.session.commit()
    assert_same_as_scans(db, period)

    # The retention purge blanks tokens and case references; the counts and coverage history stay.
    before = case_tallies.reconcile(db.session), published_view(db, period.previous())
    purge(now + timedelta(days=3650))
    db.session.commit()
    assert (case_tallies.reconcile(db.session), published_view(db, period.previous())) == before
    assert_same_as_scans(db, period)


def test_a_corrupted_case_tally_is_caught_by_verify_and_repaired_by_recount(city, db, runner):
    october = datetime(2026, 10, 15, 5, tzinfo=UTC)  # cases completed and invited in one month
    factories.responses("Q1-BN", 4, 1, october, invited_only=2, invited_when_submitted=True)
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0
    db.session.execute(text("UPDATE case_tally SET invited = invited - 1 WHERE cases > 0"))
    db.session.commit()

    result = runner.invoke(args=["ranking", "verify"])
    assert result.exit_code == 1, result.output
    assert "Case tallies: FAILED, 1 differ" in result.output
    assert "stored (7, 7, 6, 7), recounted (7, 7, 7, 7)" in result.output

    result = runner.invoke(args=["ranking", "recount"])
    assert result.exit_code == 0, result.output
    rebuilt = select(func.count()).select_from(AuditLog).where(AuditLog.action == "case_tallies.rebuild")
    assert db.session.scalar(rebuilt.where(AuditLog.target == "case_tally"))
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0


def test_a_missing_case_trigger_is_caught(city, db, runner):
    with db.engine.begin() as connection:
        connection.exec_driver_sql(case_tallies.uninstall_statements(connection.dialect.name)[3])
    result = runner.invoke(args=["ranking", "verify"])
    assert result.exit_code == 1 and "case tallies: triggers missing: case_tally_on_invitation_insert" in result.output
    assert runner.invoke(args=["ranking", "recount"]).exit_code == 0
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0
