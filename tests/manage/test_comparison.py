"""The dashboard explains: each service and channel against peers with intervals, comments behind
each service, and a parent's list of flagged agencies below it with how long they have been flagged."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ranking.periods import parse_period
from survey.manage.comparison import channel_comparison, flagged_below, service_comparison
from survey.models import Agency, Service
from survey.publication import publish
from tests import factories
from tests.actions import sign_in

AUG = datetime(2026, 8, 14, 3, tzinfo=UTC)
SEPT = datetime(2026, 9, 15, 3, tzinfo=UTC)
WARDS = {"Q1-BN": (30, 70), "Q1-DK": (90, 10), "Q1-TD": (88, 12), "Q3-P1": (92, 8), "Q3-P2": (89, 11)}


def agency(db, code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def fill(when: datetime, prefix: str, counts=WARDS) -> None:
    for code, (good, bad) in counts.items():
        factories.responses(code, good, bad, when, prefix=prefix)


def test_a_service_is_set_against_the_same_service_of_peers(db, city):
    fill(SEPT, "R")
    # Land certificates disappoint everywhere: not this ward's own problem.
    for code in WARDS:
        factories.responses(code, 6, 14, SEPT, service_code="DD-GCN", prefix="L")
    now = SEPT + timedelta(days=1)
    rows = {row.code: row for row in service_comparison(agency(db, "Q1-BN"), now - timedelta(days=90), now)}
    birth, land = rows["HT-KHAISINH"], rows["DD-GCN"]
    assert (birth.own.answered, birth.own.satisfied) == (100, 30)
    assert birth.peers.answered == 400 and birth.peers.satisfied == 90 + 88 + 92 + 89
    assert birth.clearly_worse and birth.own.interval[1] < birth.peers.interval[0]
    assert not land.clearly_worse and abs(land.difference) < 1e-9
    assert list(rows) == ["HT-KHAISINH", "DD-GCN"]  # the furthest below peers first


def test_channels_are_compared(db, city):
    fill(SEPT, "R")
    now = SEPT + timedelta(days=1)
    [online] = channel_comparison(agency(db, "Q1-BN"), now - timedelta(days=90), now)
    assert online.key == "online" and online.own.answered == 100 and online.peers.answered == 400


def test_a_parent_sees_which_agencies_below_are_flagged_and_for_how_long(db, city):
    fill(AUG, "A")
    fill(SEPT, "S")
    for period, now in (("2026-08", datetime(2026, 9, 2, tzinfo=UTC)), ("2026-09", datetime(2026, 10, 2, tzinfo=UTC))):
        publish(parse_period(period), actor="test", now=now, groups=["ward"], render_charts=False)
    [flagged] = flagged_below(agency(db, "Q1"))
    assert flagged.agency.code == "Q1-BN" and flagged.months == 2 and flagged.period == "2026-09"
    assert flagged_below(agency(db, "Q3")) == []
    assert flagged_below(agency(db, "Q1-BN")) == []  # nothing below a ward


def test_dashboard_links_each_service_to_its_comments(client, db, staff):
    fill(SEPT - timedelta(days=400), "OLD")  # outside the window: not counted
    now = datetime.now(UTC) - timedelta(days=1)
    fill(now, "R")
    factories.comment("Q1-BN", "Phải chờ hai tiếng ở quầy tiếp nhận")
    q1bn = agency(db, "Q1-BN").id
    birth = db.session.scalar(select(Service.id).where(Service.code == "HT-KHAISINH"))
    sign_in(client, staff.manager.email)
    html = client.get(f"/manage/?agency={q1bn}&lang=en").get_data(as_text=True)
    assert "Services against peers" in html and "Clearly lower" in html
    link = re.search(r'href="(/manage/inbox\?agency=\d+&amp;service=\d+)">Read 1 comment', html)
    assert link and f"service={birth}" in link.group(1)
    inbox = client.get(link.group(1).replace("&amp;", "&") + "&lang=en").get_data(as_text=True)
    assert "Phải chờ hai tiếng" in inbox
    assert "How the case came in" in html and "Online" in html


def test_the_district_dashboard_lists_flagged_wards(client, db, staff):
    fill(SEPT, "S")
    publish(parse_period("2026-09"), actor="test", now=datetime(2026, 10, 2, tzinfo=UTC), groups=["ward"])
    sign_in(client, staff.viewer.email)
    html = client.get("/manage/?lang=en").get_data(as_text=True)
    section = html[html.index('id="flagged-below"') :]
    assert "Ward Q1-BN" in section[:2000] and "September 2026" in section[:2000]
