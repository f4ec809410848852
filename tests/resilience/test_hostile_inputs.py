"""Hostile inputs against every input path: no 5xx, nothing stored, nothing reflected as markup."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from survey.models import Case, Invitation, Response
from tests import factories
from tests.actions import answers, csrf_from
from tests.factories import case_json
from tests.resilience.hostile import JSON_VALUES, MARKUP, RAW_BODIES, STRINGS

FIELDS = ("agency_code", "service_code", "case_ref", "received_at", "due_at", "completed_at", "channel")


def table_counts(db) -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Case, Invitation, Response))


def assert_clean(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    for markup in ("<script>alert(1)", "<img src=x onerror", "<svg/onload"):  # unescaped = reflected
        assert markup not in body


@pytest.fixture
def baseline(city, db, api_key):
    factories.issue_link("EXISTING-1")
    return table_counts(db)


def test_hostile_values_in_every_intake_field(client, db, api_key, baseline):
    headers = {"Authorization": f"Bearer {api_key}"}
    sent = accepted = 0
    for field in FIELDS:
        for value in JSON_VALUES:
            body = {**case_json(f"H-{sent}"), field: value}
            response = client.post("/api/v1/cases", json=body, headers=headers)
            assert_clean(response)
            assert response.status_code in (201, 400, 404, 413, 422), (field, value, response.status_code)
            accepted += response.status_code == 201  # e.g. case_ref "constructor" is a valid reference
            sent += 1
    assert sent >= 200
    # rejected requests changed nothing: rows grew by exactly the accepted cases
    assert table_counts(db) == (baseline[0] + accepted, baseline[1] + accepted, baseline[2])


def test_raw_hostile_bodies(client, db, api_key, baseline):
    for body in RAW_BODIES:
        response = client.post(
            "/api/v1/cases", data=body, content_type="application/json", headers={"Authorization": f"Bearer {api_key}"}
        )
        assert_clean(response)
        assert 400 <= response.status_code < 500
    assert table_counts(db) == baseline


def test_hostile_headers(client, db, api_key, baseline):
    for value in ["Bearer " + s for s in STRINGS if "\r" not in s and "\n" not in s and "\x00" not in s]:
        response = client.post(
            "/api/v1/cases",
            data=json.dumps(case_json()),
            content_type="application/json",
            headers={"Authorization": value.encode("utf-8", "replace").decode("latin-1")},
        )
        assert_clean(response)
        assert response.status_code == 401
    for content_type in ["application/json; charset=utf-7", "application/xml", "text/html", "*/*", MARKUP]:
        response = client.post(
            "/api/v1/cases",
            data=json.dumps(case_json()),
            content_type=content_type,
            headers={"Authorization": f"Bearer {api_key}"},
        )
        assert_clean(response)
    assert table_counts(db) == baseline


def test_hostile_survey_answers(client, db, baseline):
    token = factories.issue_link("H-SURVEY")
    before = table_counts(db)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    csrf = csrf_from(page)
    valid = {
        "overall": {"0", "1", "2", "3", "4", "5"},
        "ease": {"", "0", "1", "2", "3", "4", "5"},
        "visits": {"", "0", "1", "2", "3"},
        "csrf_token": set(),
    }
    for field, allowed in valid.items():
        for value in STRINGS:
            if value.strip() in allowed:
                continue  # a legitimate answer ("0" is "no answer"; blank drivers are optional)
            data = answers(csrf_token=csrf)
            data[field] = value
            response = client.post(f"/s/{token}", data=data)
            assert_clean(response)
            assert response.status_code == 422, (field, value)
    assert table_counts(db) == before


def test_hostile_paths_and_query_strings(client, db, baseline):
    for value in STRINGS[:40]:
        for path in (
            f"/s/{value}",
            "/?lang=" + value,
            "/api/v1/agencies?x=" + value,
            f"/api/v1/cases/{value}/{value}/qr.svg",
        ):
            response = client.get(path.replace("\x00", "%00").replace("\r", "%0d").replace("\n", "%0a"))
            assert_clean(response)
            assert "Set-Cookie: x=1" not in str(response.headers)
    assert table_counts(db) == baseline


def test_comment_markup_is_stored_as_text_never_reflected(client, db, baseline):
    token = factories.issue_link("H-COMMENT")
    page = client.get(f"/s/{token}")
    response = client.post(
        f"/s/{token}", data=answers(csrf_token=csrf_from(page.get_data(as_text=True)), comment=MARKUP)
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Response.comment).where(Response.comment.is_not(None))) == MARKUP
