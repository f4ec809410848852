"""/auditor: only the city-level auditor sees and decides flags; decisions are audited; bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from ranking.periods import period_containing
from survey.integrity.checks import Finding
from survey.integrity.review import _apply, refresh_statuses
from survey.models import AuditLog, IntegrityFlag, Response
from tests import factories
from tests.actions import csrf_from, signed_in

ROLES = {
    "anonymous": 302,
    "admin": 403,
    "manager of the flagged ward": 403,
    "manager of its district": 403,
    "viewer of the flagged ward": 403,
    "auditor": 200,
}


@pytest.fixture
def flagged(client, city, db) -> IntegrityFlag:
    """A held flag on Q1-BN holding three answers, with a device hash that must never be shown."""
    factories.responses("Q1-BN", 3, 0, datetime.now(UTC))
    ids = set(db.session.scalars(select(Response.id)))
    for response in db.session.scalars(select(Response)):
        response.device_hash = "d" * 32
    month = period_containing(datetime.now(UTC), "month")
    flag = _apply(
        db.session, month, Finding(city.agencies["Q1-BN"].id, "device", ids, {"devices": 1}), datetime.now(UTC)
    )
    refresh_statuses(db.session, month)
    db.session.commit()
    return flag


def _client(app, role: str):
    client = app.test_client()
    if role == "anonymous":
        return client
    base, _, scope = role.partition(" of ")
    agency = {"the flagged ward": "Q1-BN", "its district": "Q1"}.get(scope)
    user = factories.user(f"{base}-{len(scope)}@example.gov.vn", base, agency)
    return signed_in(client, user.email)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/auditor/", "/auditor/flags/{flag}"])
def test_only_the_auditor_sees_flags(app, flagged, role, path):
    response = _client(app, role).get(path.format(flag=flagged.id))
    assert response.status_code == ROLES[role]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "auditor"])
def test_nobody_else_can_decide_a_flag(app, db, flagged, role):
    client = _client(app, role)
    page = client.get("/manage/", follow_redirects=True).text
    data = {"decision": "release", "reason": "looks fine", "csrf_token": csrf_from(page) if role != "anonymous" else ""}
    response = client.post(f"/auditor/flags/{flagged.id}", data=data)
    assert response.status_code in (302, 400, 403)  # signed out: no valid CSRF token, or sign-in
    db.session.refresh(flagged)
    assert flagged.status == "held"


def test_auditor_page_shows_evidence_but_never_a_case_or_device(app, flagged):
    client = _client(app, "auditor")
    html = client.get(f"/auditor/flags/{flagged.id}").text
    assert "Q1-BN" in html and "devices" in html
    assert "d" * 32 not in html and "R-Q1-BN" not in html


@pytest.mark.parametrize(("decision", "status"), [("release", "counted"), ("void", "voided")])
def test_a_decision_with_a_reason_is_recorded_and_audited(app, db, flagged, decision, status):
    client = _client(app, "auditor")
    page = client.get(f"/auditor/flags/{flagged.id}").text
    data = {"decision": decision, "reason": "checked with the ward", "csrf_token": csrf_from(page)}
    assert client.post(f"/auditor/flags/{flagged.id}", data=data).status_code == 303
    assert set(db.session.scalars(select(Response.integrity))) == {status}
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == f"integrity.{decision}")).one()
    assert entry.after["reason"] == "checked with the ward"


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "release", "reason": ""},
        {"decision": "release", "reason": "   "},
        {"decision": "approve", "reason": "x"},
        {"reason": "x"},
        {"decision": "void", "reason": "x" * 1001},
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(app, db, flagged, data):
    client = _client(app, "auditor")
    page = client.get(f"/auditor/flags/{flagged.id}").text
    response = client.post(f"/auditor/flags/{flagged.id}", data={**data, "csrf_token": csrf_from(page)})
    assert response.status_code == 422
    db.session.refresh(flagged)
    assert flagged.status == "held"
    assert not db.session.scalars(
        select(AuditLog).where(AuditLog.action.like("integrity.%"), AuditLog.actor != "integrity-checks")
    ).all()


def test_unknown_flag_and_bad_period(app, flagged):
    client = _client(app, "auditor")
    assert client.get("/auditor/flags/999999").status_code == 404
    assert client.get("/auditor/?period=2026-13").status_code == 400
    assert client.get("/auditor/?period=nonsense").status_code == 400


def test_auditor_signs_in_to_the_flags(app, db):
    user = factories.user("a@example.gov.vn", "auditor")
    response = signed_in(app.test_client(), user.email).get("/auth/sign-in")
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/admin/", "/admin/api-keys", "/manage/"])
def test_the_auditor_does_not_enter_admin_or_manage(app, db, city, path):
    assert _client(app, "auditor").get(path).status_code == 403
