"""The API's declared models are what validates intake and what the OpenAPI document publishes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from survey.public.openapi import component_schemas
from survey.schemas.intake import CASE_FIELDS, CaseInput
from tests.factories import case_json
from tests.public.schema import errors


@pytest.fixture(scope="module")
def document():
    return {"components": {"schemas": component_schemas()}}


def test_served_document_carries_the_models_schemas(client):
    served = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert served == component_schemas()
    assert tuple(served["CaseInput"]["required"]) == CASE_FIELDS
    assert served["CaseInput"]["additionalProperties"] is False


SHAPES = [
    case_json(),
    case_json(hacker="1"),
    {k: v for k, v in case_json().items() if k != "channel"},
    case_json(case_ref=123),
    case_json(case_ref="x" * 65),
    case_json(case_ref="<script>"),
    case_json(agency_code=["Q1-BN"]),
    case_json(channel="Online"),
    case_json(channel=None),
    case_json(received_at=1700000000),
    [case_json()],
    "a string",
]


@pytest.mark.parametrize("body", SHAPES)
def test_model_and_published_schema_agree_on_shape(document, body):
    """What the document refuses, the model refuses (dates' business rules aside)."""
    try:
        CaseInput.model_validate(body)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == (not errors(body, {"$ref": "#/components/schemas/CaseInput"}, document))
