"""Intake attacks from the security audit (issue 14): each stays a clear 4xx and stores nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from survey.codes import (
    AGENCY_CODE_PATTERN,
    CASE_REF_PATTERN,
    is_valid_agency_code,
    is_valid_case_ref,
    is_valid_service_code,
)
from survey.models import Case
from survey.schemas.intake import CaseInput
from tests import factories
from tests.factories import case_json


def stored(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def post_raw(client, body: bytes, key: str):
    headers = {"Authorization": f"Bearer {key}"}
    return client.post("/api/v1/cases", data=body, headers=headers, content_type="application/json")


@pytest.mark.parametrize("where", ["case_ref", "channel", "extra", "batch"])
def test_a_5000_digit_integer_is_a_400_problem_not_a_500(client, api_key, db, where):
    huge = "9" * 5000
    fields = {k: json.dumps(v) for k, v in case_json("BIG-1").items()}
    if where == "extra":
        fields["count"] = huge
    else:
        fields[where if where != "batch" else "channel"] = huge
    case = "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
    body = f'{{"cases": [{case}]}}' if where == "batch" else case
    response = post_raw(client, body.encode(), api_key)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "A number in the JSON is too long."
    assert stored(db) == 0


@pytest.mark.parametrize("field", ["case_ref", "agency_code", "service_code"])
@pytest.mark.parametrize("tail", ["\n", "\r\n", "\n\n"])
def test_a_trailing_newline_in_a_code_is_422(client, api_key, db, field, tail):
    body = case_json("NL-1")
    body[field] += tail
    response = client.post("/api/v1/cases", json=body, headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"pointer": f"/{field}", "detail": "must be 1-64 letters, digits or . _ - (and : in case_ref)"}
    ]
    assert stored(db) == 0


def test_the_code_rule_agrees_in_every_spelling():
    """Python, pydantic (Rust regex) and the published pattern refuse the same trailing newline."""
    for good in ("Q1-BN", "a.b_c-9", "X" * 64):
        assert is_valid_agency_code(good) and is_valid_service_code(good) and is_valid_case_ref(good)
    for bad in ("ABC\n", "", "-A", "X" * 65, "A B", "A:B", "Á", None, 5):
        assert not is_valid_agency_code(bad), repr(bad)
    assert is_valid_case_ref("2026:HT:1") and not is_valid_case_ref("2026:HT:1\n")
    assert AGENCY_CODE_PATTERN.endswith("$") and CASE_REF_PATTERN.endswith("$")
    assert CaseInput.model_json_schema()["properties"]["agency_code"]["pattern"] == AGENCY_CODE_PATTERN


def test_qr_of_another_agencys_case_answers_like_an_unknown_one(client, city):
    """A key for one agency cannot learn whether a reference exists at another."""
    factories.issue_link("SECRET-1", agency_code="Q3-P1")
    key = factories.api_key(("Q1-BN",))
    auth = {"Authorization": f"Bearer {key}"}
    for kind in ("svg", "png"):
        exists = client.get(f"/api/v1/cases/Q3-P1/SECRET-1/qr.{kind}", headers=auth)
        missing = client.get(f"/api/v1/cases/Q3-P1/NO-SUCH-REF/qr.{kind}", headers=auth)
        unknown_agency = client.get(f"/api/v1/cases/NOPE/SECRET-1/qr.{kind}", headers=auth)
        assert exists.status_code == missing.status_code == unknown_agency.status_code == 403
        assert exists.get_data() == missing.get_data() == unknown_agency.get_data()
        assert exists.headers.get("Content-Type") == missing.headers.get("Content-Type")
