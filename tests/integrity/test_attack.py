"""Issue 11's attack, replayed: a ward's own key mints links for its cases and answers them in a burst."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ranking.periods import period_containing
from survey.models import AuditLog, Response, SnapshotEntry
from survey.publication import publish
from survey.publication.counts import period_counts
from tests import factories
from tests.actions import submit

ATTACK = 40
# Every question at its first positive option (earlier than promised, no extra payment, …).
TOP = {"overall": "5", "ease": "5", "timeliness": "1", "courtesy": "5", "fairness": "1", "outcome": "1"}


def mint(client, key: str, count: int, agency: str = "Q1-BN", prefix: str = "FAKE") -> list[str]:
    cases = [factories.case_json(f"{prefix}-{i}", agency_code=agency) for i in range(count)]
    response = client.post("/api/v1/cases", json={"cases": cases}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.get_json()
    return [factories.token_from_url(c["survey_url"]) for c in response.get_json()["cases"]]


def genuine_month(now: datetime) -> None:
    """Other wards answer as citizens do: hours or days after their links, at mixed levels."""
    for code in ("Q1-DK", "Q1-TD", "Q3-P1", "Q3-P2"):
        factories.responses(code, 30, 8, now - timedelta(minutes=5))


def test_replayed_attack_is_held_reported_and_left_out_of_publication(client, city, db, runner):
    now = datetime.now(UTC)
    genuine_month(now)
    key = factories.api_key(("Q1-BN",), name="Q1-BN case system")
    for token in mint(client, key, ATTACK):
        assert submit(client, token, **TOP).status_code == 303

    period = period_containing(now, "month")
    result = runner.invoke(args=["integrity", "check", "--period", period.key])
    assert result.exit_code == 0, result.output
    held = db.session.scalar(select(func.count()).select_from(Response).where(Response.integrity == "held"))
    assert held == ATTACK

    report = json.loads(runner.invoke(args=["integrity", "report", "--period", period.key, "--format", "json"]).output)
    mine = [row for row in report if row["agency_code"] == "Q1-BN"]
    assert {row["kind"] for row in mine} >= {"burst", "device"}
    assert all(row["status"] == "held" and row["responses"] == ATTACK and row["detected_at"] for row in mine)
    assert not [row for row in report if row["agency_code"] != "Q1-BN"]  # no false alarm among genuine wards

    publish(period, actor="test", provisional=True, render_charts=False, notify=False)
    entry = db.session.scalar(
        select(SnapshotEntry).where(SnapshotEntry.agency_code == "Q1-BN").order_by(SnapshotEntry.id.desc())
    )
    assert entry.figures["integrity"]["held"] == ATTACK
    assert entry.responses == 0
    table = client.get(f"/rankings/ward/{period.key}?lang=en").text
    assert f"{ATTACK} answers held for review" in table
    assert "answers held for review" in client.get("/agencies/Q1-BN?lang=en").text.lower()
    holds = db.session.scalars(select(AuditLog).where(AuditLog.action == "integrity.hold")).all()
    assert len(holds) >= 2


def test_minting_is_audited_once_per_batch_with_key_agency_and_count(client, city, db):
    key = factories.api_key(("Q1-BN",))
    mint(client, key, 7)
    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == "cases.mint")).all()
    assert entry.after["agency"] == "Q1-BN" and entry.after["count"] == 7 and entry.after["api_key"]


def test_staff_assisted_answers_are_kept_but_never_ranked(client, city, db):
    now = datetime.now(UTC)
    tokens = [factories.issue_link(f"A-{i}") for i in range(3)]
    submit(client, tokens[0], helped="yes")
    submit(client, tokens[1], helped="no")
    submit(client, tokens[2])
    channels = sorted(db.session.scalars(select(Response.channel)))
    assert channels == ["assisted", "web", "web"]
    period = period_containing(now, "month")
    counts = period_counts(db.session, period)[city.agencies["Q1-BN"].id]
    assert (counts.responses, counts.assisted) == (2, 1)
    publish(period, actor="test", provisional=True, render_charts=False, notify=False)
    entry = db.session.scalar(select(SnapshotEntry).where(SnapshotEntry.agency_code == "Q1-BN"))
    assert entry.figures["integrity"]["assisted"] == 1
    assert entry.figures["integrity"]["channel_shares"] == {"web": 1.0}
