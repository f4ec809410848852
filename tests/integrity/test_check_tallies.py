"""The checks read stored flags and answer tallies (issue 16) and find exactly what a scan of the answers finds."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, func, select, text, update

from ranking.periods import period_containing
from survey.integrity import checks
from survey.integrity.checks import find_patterns
from survey.models import Answer, QuestionOption, Response
from survey.models.base import to_naive_utc
from tests import factories
from tests.actions import submit
from tests.integrity.test_attack import TOP, genuine_month, mint


def old_straight_line():
    """The straight-lining definition as the check computed it before issue 16: two correlated subqueries."""
    not_top = (
        select(func.count(Answer.id))
        .join(
            QuestionOption,
            and_(QuestionOption.question_id == Answer.question_id, QuestionOption.value == Answer.value),
        )
        .where(Answer.response_id == Response.id, QuestionOption.positive.is_not(True))
        .correlate(Response)
        .scalar_subquery()
    )
    drivers = (
        select(func.count(Answer.id)).where(Answer.response_id == Response.id).correlate(Response).scalar_subquery()
    )
    return and_(Response.overall == 5, not_top == 0, drivers >= 3)


def stored_and_old(db) -> dict[int, tuple[bool, bool]]:
    rows = db.session.execute(
        select(Response.id, Response.all_positive, case((old_straight_line(), True), else_=False))
    )
    return {rid: (bool(stored), bool(old)) for rid, stored, old in rows}


def mixed_answers(client, now: datetime) -> None:
    """Responses on both sides of every part of the definition, by every path that stores one."""
    forms = [
        {},  # the form's default: every answer positive
        TOP,
        {"overall": "4"},  # not the top overall
        {"timeliness": "3"},  # one answer not positive
        {"timeliness": "4"},  # "don't remember": left out of the drivers, still not positive
        {"ease": "", "timeliness": "", "courtesy": "", "fairness": "", "visits": ""},  # one answer
        {"helped": "yes"},  # assisted: stored like the others
    ]
    for i, form in enumerate(forms):
        assert submit(client, factories.issue_link(f"MIX-{i}"), **form).status_code == 303, form
    factories.responses_with_drivers(
        "Q1-DK",
        [
            (5, {"ease": 5, "courtesy": 5, "outcome": 1}),  # exactly three, all positive
            (5, {"ease": 5, "courtesy": 5}),  # two
            (5, {"ease": 5, "courtesy": 4, "outcome": 2}),
            (5, {"ease": 5, "courtesy": 5, "outcome": 9}),  # a value no option has: not held against it
            (5, {"ease": 9, "courtesy": 9, "outcome": 9}),
            (4, {"ease": 5, "courtesy": 5, "outcome": 1}),
            (None, {"ease": 5, "courtesy": 5, "outcome": 1}),
            (5, {}),
        ],
        now - timedelta(hours=2),
    )
    factories.responses("Q1-TD", 3, 2, now - timedelta(hours=1), prefix="MIX")  # bulk rows without answers


def test_the_stored_straight_line_flag_matches_the_old_definition(client, city, db):
    mixed_answers(client, datetime.now(UTC))
    pairs = stored_and_old(db)
    assert len(pairs) == 20
    assert all(stored == old for stored, old in pairs.values()), pairs
    assert 3 <= sum(stored for stored, _ in pairs.values()) < 20  # both kinds present


# --- the checks as they were before issue 16: scans of the month's answers, as the reference ---


def _window(period):
    return Response.submitted_at >= to_naive_utc(period.start), Response.submitted_at < to_naive_utc(period.end)


def scanned_excess(db, period, hit, kind):
    ranked = (*_window(period), Response.channel != "assisted")
    counts = {
        agency: (int(n), int(k or 0))
        for agency, n, k in db.session.execute(
            select(Response.agency_id, func.count(), func.sum(case((hit, 1), else_=0)))
            .where(*ranked)
            .group_by(Response.agency_id)
        )
    }
    n_all, k_all = sum(n for n, _ in counts.values()), sum(k for _, k in counts.values())
    found = {}
    for agency, (n, k) in counts.items():
        pooled = (k_all - k + 1) / (n_all - n + 2)
        if k >= checks.MIN_FLAGGED and checks.binomial_excess(k, n, pooled) < checks.ALPHA:
            ids = db.session.scalars(select(Response.id).where(*ranked, hit, Response.agency_id == agency))
            found[agency, kind] = (set(ids), {"answers": n, "flagged": k})
    return found


def scanned_device(db, period):
    groups = defaultdict(set)
    for rid, agency, device in db.session.execute(
        select(Response.id, Response.agency_id, Response.device_hash).where(
            *_window(period), Response.device_hash.is_not(None)
        )
    ):
        groups[agency, device].add(rid)
    found = {}
    for (agency, _device), ids in groups.items():
        if len(ids) >= checks.DEVICE_MIN_LINKS:
            held, _ = found.setdefault((agency, "device"), (set(), {}))
            held |= ids
    return {key: (ids, {"flagged": len(ids)}) for key, (ids, _) in found.items()}


def test_findings_equal_those_of_a_scan_of_the_answers(client, city, db):
    now = datetime.now(UTC)
    period = period_containing(now, "month")
    genuine_month(now)
    mixed_answers(client, now)
    key = factories.api_key(("Q1-BN",), name="Q1-BN case system")
    for token in mint(client, key, 30):  # quick, same device, straight-lined
        assert submit(client, token, **TOP).status_code == 303
    for token in mint(client, key, 6, prefix="SLOW"):  # quick and same device, not straight-lined
        assert submit(client, token, overall="3").status_code == 303
    top = {"ease": 5, "timeliness": 1, "courtesy": 5, "fairness": 1, "outcome": 1}
    factories.responses_with_drivers("Q3-P1", [(5, top)] * 25, now - timedelta(hours=3), prefix="LINE")
    # Answers given long after their links (not quick), in the burst ward too.
    db.session.execute(update(Response).where(Response.id % 7 == 0).values(quick=False))
    db.session.commit()

    expected = {
        **scanned_excess(db, period, Response.quick.is_(True), "burst"),
        **scanned_excess(db, period, old_straight_line(), "straight_line"),
        **scanned_device(db, period),
    }
    found = {(f.agency_id, f.kind): f for f in find_patterns(db.session, period)}
    assert {"burst", "straight_line", "device"} <= {kind for _, kind in found}
    assert set(found) == set(expected)
    for key, (ids, evidence) in expected.items():
        assert found[key].response_ids == ids, key
        assert evidence.items() <= found[key].evidence.items(), key


def test_ranking_verify_catches_a_corrupted_check_count(client, city, db, runner):
    key = factories.api_key(("Q1-BN",))
    for token in mint(client, key, 3):
        submit(client, token)
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0
    corrupted = {"quick": "(3, 3, 3, 0, 2, 3)", "all_positive": "(3, 3, 3, 0, 3, 2)"}
    for column, stored in corrupted.items():
        db.session.execute(text(f"UPDATE answer_tally SET {column} = {column} - 1 WHERE {column} > 0"))  # noqa: S608
        db.session.commit()
        result = runner.invoke(args=["ranking", "verify"])
        assert result.exit_code == 1, result.output
        assert "Answer tallies: FAILED, 1 differ" in result.output
        assert f"stored {stored}, recounted (3, 3, 3, 0, 3, 3)" in result.output
        assert runner.invoke(args=["ranking", "recount"]).exit_code == 0
        assert runner.invoke(args=["ranking", "verify"]).exit_code == 0
