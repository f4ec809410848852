"""Dashboard figures as plain functions: live table, trend, drivers, worst services, flags."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ranking.periods import parse_period, period_containing
from survey.manage.figures import current_flag, driver_breakdown, factor_trend, live_figures, trend, worst_services
from survey.models import Agency, Snapshot
from survey.publication import publish
from tests import factories
from tests.actions import sign_in

AUG = datetime(2026, 8, 14, 3, tzinfo=UTC)
SEPT = datetime(2026, 9, 15, 3, tzinfo=UTC)
OCT_2 = datetime(2026, 10, 2, tzinfo=UTC)
WARDS = {"Q1-BN": (30, 70), "Q1-DK": (90, 10), "Q1-TD": (88, 12), "Q3-P1": (92, 8), "Q3-P2": (89, 11)}


def agency(db, code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def fill_wards(when: datetime, counts: dict[str, tuple[int, int]] = WARDS, prefix: str = "R") -> None:
    for code, (good, bad) in counts.items():
        factories.responses(code, good, bad, when, prefix=prefix)


def test_live_figures_match_what_publication_would_say(db, city):
    fill_wards(SEPT)
    live = live_figures(agency(db, "Q1-BN"), datetime(2026, 9, 20, tzinfo=UTC))
    [result] = publish(
        parse_period("2026-09"),
        actor="test",
        now=datetime(2026, 9, 20, tzinfo=UTC),
        provisional=True,
        groups=["ward"],
        render_charts=False,
    )
    snapshot = db.session.get(Snapshot, result.snapshot_id)
    entry = next(e for e in snapshot.entries if e.agency_code == "Q1-BN")
    assert live.period.key == "2026-09" and live.provisional and live.peers == 5
    assert (live.responses, live.positive) == (100, 30)
    for key in ("score", "score_low", "score_high", "rate", "rate_low", "rate_high", "rank"):
        assert getattr(live, key) == pytest.approx(entry.figures[key]), key
    assert live.band == entry.figures["band"] == "well_below"  # 30% of 100 among wards at 80-90%
    assert live.ranked and live.rank_low <= live.rank <= live.rank_high and live.ranked_peers == 5
    scores = sorted(e.figures["score"] for e in snapshot.entries)
    assert live.peer_median == pytest.approx(scores[2])


def test_live_on_time_and_response_rates(db, city):
    now = datetime.now(UTC) - timedelta(minutes=1)
    factories.responses("Q1-BN", 8, 2, now)
    factories.issue_link("NO-ANSWER-1")  # two more invitations this month, not answered
    factories.issue_link("NO-ANSWER-2")
    live = live_figures(agency(db, "Q1-BN"), datetime.now(UTC))
    assert live.responses == 10 and live.invitations == 12
    assert live.response_rate == pytest.approx(10 / 12)
    assert live.on_time_rate == 1.0  # every test case is completed before its due date
    assert not live.ranked and live.rank is None  # fewer than 30 answers: score only


def test_agency_without_answers_has_no_figures(db, city):
    live = live_figures(agency(db, "Q3-P2"), datetime.now(UTC))
    assert live.responses == 0 and live.score is None and live.band is None and live.rank is None


def test_trend_sets_each_month_against_the_peer_median(db, city):
    fill_wards(AUG, prefix="AUG")
    fill_wards(SEPT, {**WARDS, "Q1-BN": (60, 40)}, prefix="SEP")
    publish(parse_period("2026-08"), actor="test", now=OCT_2, groups=["ward"], render_charts=False)
    publish(parse_period("2026-09"), actor="test", now=OCT_2, groups=["ward"], render_charts=False)
    points = trend(agency(db, "Q1-BN"))
    assert [p.period for p in points] == ["2026-08", "2026-09"]
    assert points[1].score > points[0].score  # Q1-BN improved
    for point in points:
        snapshot = db.session.get(Snapshot, point.snapshot_id)
        scores = sorted(e.figures["score"] for e in snapshot.entries)
        assert point.peer_median == pytest.approx(scores[2]) and point.score < point.peer_median


def test_trend_uses_the_latest_revision_and_skips_provisional(db, city):
    fill_wards(SEPT)
    publish(parse_period("2026-09"), actor="test", now=OCT_2, groups=["ward"], render_charts=False)
    publish(parse_period("2026-09"), actor="test", now=OCT_2, groups=["ward"], render_charts=False, correction="typo")
    points = trend(agency(db, "Q1-BN"))
    assert len(points) == 1
    assert db.session.get(Snapshot, points[0].snapshot_id).revision == 2


def test_driver_breakdown_groups_by_sipas_factor_and_reads_each_options_positive_flag(db, city):
    now = datetime.now(UTC)
    rows = []
    for _ in range(15):  # easy procedure → satisfied; hard → dissatisfied; staff always good
        rows.append((5, {"ease": 5, "courtesy": 5, "visits": 1, "timeliness": 1, "fairness": 3}))
        rows.append((1, {"ease": 1, "courtesy": 4, "visits": 1, "timeliness": 3, "fairness": 3}))
    factories.responses_with_drivers("Q1-BN", rows, now - timedelta(days=1))
    # Another agency: not counted.
    factories.responses_with_drivers("Q1-DK", [(1, {"ease": 5})] * 5, now - timedelta(days=1))
    drivers = {d.key: d for d in driver_breakdown([agency(db, "Q1-BN").id], now - timedelta(days=90), now)}
    assert set(drivers) == {"access", "procedure", "civil_servant", "result", "feedback"}
    procedure = drivers["procedure"]  # "not sure" about extra payments is left out, not counted negative
    assert procedure.answered == 30 and procedure.positive_share == 0.5
    assert procedure.satisfied_if_positive == 1.0 and procedure.satisfied_if_negative == 0.0
    assert procedure.gap == 1.0 and procedure.correlation == pytest.approx(1.0)
    assert drivers["civil_servant"].positive_share == 1.0 and drivers["civil_servant"].gap is None
    assert drivers["access"].positive_share == 1.0  # one visit is the positive answer
    assert drivers["result"].positive_share == 0.5  # earlier than promised is positive, late is not
    assert drivers["feedback"].answered == 0 and drivers["feedback"].positive_share is None
    ordered = driver_breakdown([agency(db, "Q1-BN").id], now - timedelta(days=90), now)
    assert {d.key for d in ordered[:2]} == {"procedure", "result"}  # strongest movers first


def test_factor_trend_counts_each_city_month_and_hides_thin_months(db, city):
    now = datetime.now(UTC)
    this_month = period_containing(now, "month")
    last_month = this_month.previous()
    # Twelve answers last month (procedure: 9 easy of 12), three this month (too few to show).
    factories.responses_with_drivers(
        "Q1-BN", [(5, {"ease": 5})] * 9 + [(2, {"ease": 1})] * 3, last_month.start + timedelta(days=2)
    )
    factories.responses_with_drivers("Q1-BN", [(5, {"ease": 5})] * 3, this_month.start + timedelta(hours=1))
    factories.responses_with_drivers("Q1-DK", [(1, {"ease": 1})] * 20, last_month.start + timedelta(days=2))
    months, rows = factor_trend([agency(db, "Q1-BN").id], now)
    assert [m.key for m in months[-2:]] == [last_month.key, this_month.key] and len(months) == 6
    procedure = next(row for row in rows if row.key == "procedure")
    assert procedure.cells[-2:] == [(9, 12), (3, 3)]
    assert procedure.share(len(months) - 2) == 0.75 and procedure.share(len(months) - 1) is None


def test_driver_breakdown_respects_the_time_window(db, city):
    now = datetime.now(UTC)
    factories.responses_with_drivers("Q1-BN", [(5, {"ease": 5})] * 3, now - timedelta(days=200))
    [procedure] = [
        d for d in driver_breakdown([agency(db, "Q1-BN").id], now - timedelta(days=90), now) if d.key == "procedure"
    ]
    assert procedure.answered == 0


def test_worst_services_need_ten_answers(db, city):
    now = datetime.now(UTC) - timedelta(hours=1)
    factories.responses("Q1-BN", 9, 3, now, service_code="HT-KHAISINH")  # 75 %
    factories.responses("Q1-BN", 4, 8, now, service_code="DD-GCN", prefix="L")  # 33 %
    factories.responses("Q1-BN", 0, 9, now, service_code="XD-GPXD", prefix="X")  # only 9 answers
    found = worst_services([agency(db, "Q1-BN").id], now - timedelta(days=1), now + timedelta(hours=2))
    assert [(s.code, s.answered, round(s.share, 2)) for s in found] == [
        ("DD-GCN", 12, 0.33),
        ("HT-KHAISINH", 12, 0.75),
    ]


def test_flag_comes_from_the_latest_published_snapshot(db, city):
    fill_wards(SEPT)
    publish(parse_period("2026-09"), actor="test", now=OCT_2, groups=["ward"], render_charts=False)
    flag = current_flag(agency(db, "Q1-BN"))
    assert flag is not None and flag.band == "well_below" and flag.snapshot.period == "2026-09"
    assert current_flag(agency(db, "Q1-DK")) is None
    assert current_flag(agency(db, "Q1")) is None  # never published


def test_dashboard_shows_live_figures_trend_drivers_and_flag(client, db, staff):
    fill_wards(SEPT)
    publish(parse_period("2026-09"), actor="test", now=OCT_2, groups=["ward"], render_charts=False)
    sign_in(client, staff.manager.email)
    q1bn = agency(db, "Q1-BN").id
    html = client.get(f"/manage/?agency={q1bn}&lang=en").get_data(as_text=True)
    assert "Flagged in the latest publication" in html and f"/manage/plans/new?agency={q1bn}" in html
    assert "Provisional." in html and "2026-09" in html and "Clearly worse than peers" in html
    assert "The procedure" in html and "SIPAS factor" in html and "The five factors month by month" in html
    point = trend(agency(db, "Q1-BN"))[-1]
    assert point.rate is not None and point.expected is not None and point.rate < point.expected
    why = re.search(r"In September 2026, ([\d.]+%) of answers were satisfied; about ([\d.]+%) was expected", html)
    assert why and why.groups() == (pct_en(point.rate), pct_en(point.expected))
    district = client.get("/manage/?lang=en").get_data(as_text=True)
    assert "Sub-agencies this month" in district and "Flagged in the latest publication" not in district


def pct_en(share: float) -> str:
    return f"{share * 100:.1f}%"


def test_flag_follows_the_most_recent_period_not_the_last_snapshot_written(db, city):
    """A quarter published after October describes July–September: October's result wins."""
    fill_wards(SEPT)
    fill_wards(datetime(2026, 10, 15, 3, tzinfo=UTC), {**WARDS, "Q1-BN": (90, 10)}, prefix="OCT")
    now = datetime(2026, 11, 2, tzinfo=UTC)
    publish(parse_period("2026-10"), actor="test", now=now, groups=["ward"], render_charts=False)
    publish(parse_period("2026-Q3"), actor="test", now=now, groups=["ward"], render_charts=False)
    quarter = db.session.scalar(select(Snapshot).where(Snapshot.period == "2026-Q3"))
    assert next(e for e in quarter.entries if e.agency_code == "Q1-BN").figures["band"] == "well_below"
    assert current_flag(agency(db, "Q1-BN")) is None
