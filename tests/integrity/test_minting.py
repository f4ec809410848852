"""The daily invitation cap: over it, 429 problem+json, nothing stored, the refusal audited."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.models import AuditLog, Case
from tests import factories


def test_over_the_daily_cap_is_refused_with_429_and_nothing_stored(app, client, city, db):
    app.config["INVITATION_CAP_MIN"] = 5
    key = factories.api_key(("Q1-BN",))
    headers = {"Authorization": f"Bearer {key}"}
    ok = client.post(
        "/api/v1/cases", json={"cases": [factories.case_json(f"OK-{i}") for i in range(4)]}, headers=headers
    )
    assert ok.status_code == 201
    over = client.post(
        "/api/v1/cases", json={"cases": [factories.case_json(f"NO-{i}") for i in range(2)]}, headers=headers
    )
    assert over.status_code == 429
    assert over.mimetype == "application/problem+json"
    assert "cap" in over.get_json()["detail"]
    assert db.session.scalar(select(func.count()).select_from(Case)) == 4
    refused = db.session.scalars(select(AuditLog).where(AuditLog.action == "cases.mint_refused")).one()
    assert refused.after == {"agency": "Q1-BN", "today": 4, "requested": 2, "cap": 5}


def test_reposting_existing_cases_does_not_count_against_the_cap(app, client, city, db):
    app.config["INVITATION_CAP_MIN"] = 2
    key = factories.api_key(("Q1-BN",))
    headers = {"Authorization": f"Bearer {key}"}
    body = {"cases": [factories.case_json(f"OK-{i}") for i in range(2)]}
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 200


def test_the_invitation_sheet_lists_only_counter_links_and_is_audited(app, client, city, db):
    from tests.actions import signed_in

    key = factories.api_key(("Q1-BN",))
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/v1/cases", json=factories.case_json("BY-KEY"), headers=headers).status_code == 201
    factories.issue_link("BY-UPLOAD")  # no key: made for the counter
    admin = signed_in(app.test_client(), factories.user("admin@example.gov.vn", "admin").email)
    query = {"agency_id": city.agencies["Q1-BN"].id}
    page = admin.get("/admin/cases/invitations/sheet", query_string=query).text
    assert "BY-UPLOAD" in page and "BY-KEY" not in page
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "invitations.print")).one()
    assert entry.actor == "admin@example.gov.vn" and entry.after["links"] == 1
    printed = db.session.scalars(select(Case).where(Case.case_ref == "BY-UPLOAD")).one()
    assert printed.invitation.printed_at is not None


def test_a_key_minting_outside_its_scope_is_refused_and_audited(client, city, db):
    key = factories.api_key(("Q1-BN",))
    body = factories.case_json("OUT-1", agency_code="Q3-P1")
    response = client.post("/api/v1/cases", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    refused = db.session.scalars(select(AuditLog).where(AuditLog.action == "cases.mint_refused")).one()
    assert refused.after == {"outside_scope": ["Q3-P1"]}


def test_integrity_cli_refuses_bad_periods(runner, db):
    for args in (["integrity", "report", "--period", "2026-13"], ["integrity", "check", "--period", "x"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2 and "invalid period" in result.output
    result = runner.invoke(args=["integrity", "report", "--period", "2026-10", "--format", "xml"])
    assert result.exit_code == 2
    assert runner.invoke(args=["integrity", "report", "--period", "2026-10"]).output.strip() == "[]"
