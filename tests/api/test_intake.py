"""POST /api/v1/cases: idempotent intake, scoping, and every kind of bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.models import Case, Invitation
from tests import factories
from tests.factories import case_json


def post(client, body, key, **kwargs):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if isinstance(body, (dict, list)):
        return client.post("/api/v1/cases", json=body, headers=headers, **kwargs)
    return client.post("/api/v1/cases", data=body, headers=headers, content_type="application/json", **kwargs)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_new_case_gets_link_sms_and_expiry(client, api_key, db):
    response = post(client, case_json(), api_key)
    assert response.status_code == 201
    body = response.get_json()
    assert body["created"] is True
    assert body["survey_url"].startswith("http://localhost/s/")
    assert body["survey_url"].rsplit("/", 1)[-1] in body["sms_text"]
    assert len(body["sms_text"]) <= 160 and body["sms_text"].isascii()
    assert body["expires_at"].endswith("Z")
    assert count(db, Case) == 1


def test_reposting_the_same_case_returns_the_same_link(client, api_key, db):
    first = post(client, case_json(), api_key).get_json()
    again = post(client, case_json(), api_key)
    assert again.status_code == 200
    assert again.get_json()["survey_url"] == first["survey_url"]
    assert count(db, Invitation) == 1


def test_token_is_not_stored_in_plain(client, api_key, db):
    url = post(client, case_json(), api_key).get_json()["survey_url"]
    token = factories.token_from_url(url)
    invitation = db.session.scalar(select(Invitation))
    assert token not in (invitation.token_hash, invitation.token_salt)


def test_batch_registers_all_and_reports_existing(client, api_key, db):
    post(client, case_json("A-1"), api_key)
    batch = {"cases": [case_json("A-1"), case_json("A-2"), case_json("A-3", agency_code="Q3-P1")]}
    response = post(client, batch, api_key)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["created"], body["existing"]) == (2, 1)
    assert [c["case_ref"] for c in body["cases"]] == ["A-1", "A-2", "A-3"]
    assert count(db, Case) == 3


def test_batch_with_one_invalid_case_stores_nothing(client, api_key, db):
    batch = {"cases": [case_json("B-1"), case_json("B-2", channel="fax"), case_json("B-3")]}
    response = post(client, batch, api_key)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert errors == [{"pointer": "/cases/1/channel", "detail": errors[0]["detail"], "index": 1}]
    assert count(db, Case) == 0


def test_batch_with_unknown_agency_stores_nothing(client, api_key, db):
    response = post(client, {"cases": [case_json("C-1"), case_json("C-2", agency_code="NOPE")]}, api_key)
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["pointer"] == "/cases/1/agency_code"
    assert count(db, Case) == 0


def test_scoped_key_cannot_post_for_another_agency(client, city, db):
    key = factories.api_key(("Q1-BN",))
    assert post(client, case_json("D-1"), key).status_code == 201
    refused = post(client, case_json("D-2", agency_code="Q3-P1"), key)
    assert refused.status_code == 403
    assert refused.get_json()["errors"][0]["pointer"] == "/agency_code"
    assert count(db, Case) == 1


def test_same_ref_with_different_details_is_a_conflict(client, api_key, db):
    post(client, case_json("E-1"), api_key)
    response = post(client, case_json("E-1", service_code="DD-GCN"), api_key)
    assert response.status_code == 409
    assert "service_code" in response.get_json()["errors"][0]["detail"]


def test_revoked_key_is_refused(client, city, db, runner):
    key = factories.api_key()
    result = runner.invoke(args=["apikey", "revoke", key[:10]])
    assert result.exit_code == 0, result.output
    assert post(client, case_json(), key).status_code == 401


def test_batch_over_the_limit_is_refused(client, api_key, app, db):
    app.config["INTAKE_MAX_BATCH"] = 3
    response = post(client, {"cases": [case_json(f"F-{i}") for i in range(4)]}, api_key)
    assert response.status_code == 413
    assert count(db, Case) == 0


def test_naive_timestamps_are_city_time(client, api_key, db):
    body = case_json(
        received_at="2026-01-05T08:00:00", due_at="2026-01-06T08:00:00", completed_at="2026-01-05T09:00:00"
    )
    assert post(client, body, api_key).status_code == 201
    case = db.session.scalar(select(Case))
    assert case.received_at == datetime(2026, 1, 5, 1, 0)  # 08:00 +07:00 is 01:00 UTC


FUTURE = (datetime.now(UTC) + timedelta(days=2)).isoformat()
BAD_BODIES = [
    pytest.param(b"{not json", 400, id="malformed-json"),
    pytest.param(b"\xff\xfe\x00", 400, id="invalid-utf8"),
    pytest.param(b"[" * 50 + b"]" * 50, 400, id="deeply-nested"),
    pytest.param(json.dumps([case_json()]).encode(), 422, id="top-level-array"),
    pytest.param(b'"just a string"', 422, id="scalar"),
    pytest.param(json.dumps({"cases": []}).encode(), 422, id="empty-batch"),
    pytest.param(json.dumps({"cases": "nope"}).encode(), 422, id="cases-not-array"),
    pytest.param(json.dumps({"cases": [case_json()], "extra": 1}).encode(), 422, id="batch-unknown-field"),
    pytest.param(json.dumps({"cases": [1, None, "x"]}).encode(), 422, id="batch-of-scalars"),
    pytest.param(json.dumps(case_json(hacker="1")).encode(), 422, id="unknown-field"),
    pytest.param(
        json.dumps({k: v for k, v in case_json().items() if k != "case_ref"}).encode(), 422, id="missing-field"
    ),
    pytest.param(json.dumps(case_json(case_ref=123)).encode(), 422, id="wrong-type"),
    pytest.param(json.dumps(case_json(case_ref="x" * 65)).encode(), 422, id="ref-too-long"),
    pytest.param(json.dumps(case_json(case_ref="'; DROP TABLE case_record;--")).encode(), 422, id="sql-injection"),
    pytest.param(json.dumps(case_json(case_ref="<script>alert(1)</script>")).encode(), 422, id="html"),
    pytest.param(json.dumps(case_json(case_ref="A\u202eB")).encode(), 422, id="rtl-override"),
    pytest.param(json.dumps(case_json(case_ref="A\u200bB")).encode(), 422, id="zero-width"),
    pytest.param(json.dumps(case_json(case_ref="../../etc/passwd")).encode(), 422, id="path-trick"),
    pytest.param(json.dumps(case_json(agency_code=["Q1-BN"])).encode(), 422, id="list-for-string"),
    pytest.param(json.dumps(case_json(received_at="yesterday")).encode(), 422, id="bad-date"),
    pytest.param(json.dumps(case_json(received_at="2026-02-30T10:00:00")).encode(), 422, id="impossible-date"),
    pytest.param(json.dumps(case_json(received_at=1700000000)).encode(), 422, id="epoch-number"),
    pytest.param(json.dumps(case_json(received_at="9999-01-01T00:00:00")).encode(), 422, id="far-year"),
    pytest.param(json.dumps(case_json(completed_at=FUTURE, due_at=FUTURE)).encode(), 422, id="future"),
    pytest.param(
        json.dumps(case_json(received_at=datetime.now(UTC).isoformat())).encode(), 422, id="completed-before-received"
    ),
    pytest.param(json.dumps(case_json(channel="Online")).encode(), 422, id="bad-channel"),
    pytest.param(json.dumps(case_json(channel=None)).encode(), 422, id="null-field"),
    pytest.param(json.dumps(case_json(agency_code="NOPE")).encode(), 404, id="unknown-agency"),
    pytest.param(json.dumps(case_json(service_code="NOPE")).encode(), 404, id="unknown-service"),
    pytest.param(
        b'{"cases": [' + b",".join([json.dumps(case_json(f"Z-{i}")).encode() for i in range(1001)]) + b"]}",
        413,
        id="batch-over-1000",
    ),
    pytest.param(b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}', 413, id="huge-body"),
]


@pytest.mark.parametrize(("body", "status"), BAD_BODIES)
def test_bad_bodies_get_a_clear_problem_and_store_nothing(client, api_key, db, body, status):
    response = post(client, body, api_key)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert "<script>" not in response.get_data(as_text=True)
    assert count(db, Case) == 0


@pytest.mark.parametrize(
    ("headers", "content_type"),
    [
        ({}, "application/json"),
        ({"Authorization": "Bearer wrong"}, "application/json"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "application/json"),
        ({"Authorization": "Bearer " + "x" * 5000}, "application/json"),
    ],
)
def test_missing_or_bad_key_is_401(client, city, db, headers, content_type):
    response = client.post("/api/v1/cases", data=json.dumps(case_json()), headers=headers, content_type=content_type)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(db, Case) == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_wrong_content_type_is_415(client, api_key, db, content_type):
    response = client.post(
        "/api/v1/cases",
        data="agency_code=Q1",
        content_type=content_type,
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert response.status_code == 415
    assert count(db, Case) == 0


def test_wrong_method_is_a_problem_not_html(client):
    response = client.get("/api/v1/cases")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


def test_qr_codes_for_a_registered_case(client, api_key):
    post(client, case_json("QR-1"), api_key)
    auth = {"Authorization": f"Bearer {api_key}"}
    svg = client.get("/api/v1/cases/Q1-BN/QR-1/qr.svg", headers=auth)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get("/api/v1/cases/Q1-BN/QR-1/qr.png", headers=auth)
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get("/api/v1/cases/Q1-BN/QR-1/qr.gif", headers=auth).status_code == 404
    assert client.get("/api/v1/cases/Q1-BN/NOPE/qr.svg", headers=auth).status_code == 404
    assert client.get("/api/v1/cases/Q1-BN/QR-1/qr.svg").status_code == 401


def test_qr_refused_outside_key_scope(client, city):
    factories.issue_link("QR-2", agency_code="Q3-P1")
    key = factories.api_key(("Q1-BN",))
    response = client.get("/api/v1/cases/Q3-P1/QR-2/qr.svg", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403


def test_reference_lists_are_public(client, city):
    agencies = client.get("/api/v1/agencies").get_json()["agencies"]
    assert {"code": "Q1-BN", "parent_code": "Q1"}.items() <= next(a for a in agencies if a["code"] == "Q1-BN").items()
    services = client.get("/api/v1/services").get_json()["services"]
    assert {s["code"] for s in services} == {"HT-KHAISINH", "DD-GCN", "XD-GPXD"}
