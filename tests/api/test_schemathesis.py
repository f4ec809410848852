"""Fuzz every operation in /api/v1/openapi.json with schemathesis, against the real app and database.

Schemathesis generates requests from the published document, both valid and invalid
ones (wrong types, missing fields, odd strings). Every answer must be a non-5xx that
matches the document (status, content type, body schema), and a request the app
refuses must leave every table as it was. Both generation modes run: valid requests
(positive) and requests that break the document (negative, which must be refused).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from sqlalchemy import func, select

from survey import create_app
from survey.extensions import db as _db

EXAMPLES_PER_OPERATION = 50
# A document cannot say which agency codes exist, which dates are plausible (received
# before completed, not in the future) or which service belongs to which agency, so a
# schema-valid request may rightly get 422; every other schemathesis check applies.
BUSINESS_RULES_NOT_IN_THE_DOCUMENT = [schemathesis.checks.positive_data_acceptance]
METHODS = {"get", "post", "put", "patch", "delete", "head"}
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429"]


# 413 is how the intake API refuses a batch over its size limit (maxItems in the document).
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [*REFUSALS, "413"]}}}
)


def fuzz_cases() -> list:
    """(operation, mode) pairs from the served document, read once at collection (no database needed).

    An operation without parameters or body has no invalid form, so it runs positive only.
    """
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    cases = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            label = f"{method.upper()} {path}"
            cases.append(pytest.param(label, GenerationMode.POSITIVE, id=f"{label} positive"))
            if operation.get("parameters") or operation.get("requestBody"):
                cases.append(pytest.param(label, GenerationMode.NEGATIVE, id=f"{label} negative"))
    return cases


def row_counts() -> dict[str, int]:
    counts = {
        table.name: _db.session.scalar(select(func.count()).select_from(table)) for table in _db.metadata.sorted_tables
    }
    _db.session.rollback()
    return counts


@pytest.mark.parametrize(("label", "mode"), fuzz_cases())
def test_every_operation_answers_to_its_document_and_refusals_change_nothing(label, mode, app, api_key):
    # schemathesis' own pytest plugin does not run under pytest 9; its Python API does.
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG).find_operation_by_label(
        label
    )
    assert operation is not None, label

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,  # the same cases every run: a CI failure reproduces locally
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case) -> None:
        before = row_counts()
        response = case.call(headers={"Authorization": f"Bearer {api_key}"})
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
        case.validate_response(response, excluded_checks=BUSINESS_RULES_NOT_IN_THE_DOCUMENT)
        if response.status_code >= 400:
            assert row_counts() == before, f"{case.method} {case.formatted_path} was refused but changed rows"

    try:
        fuzz()
    except Unsatisfiable:
        # e.g. a free-text path segment: every string is valid, so nothing can be negated.
        if mode is not GenerationMode.NEGATIVE:
            raise
        pytest.skip(f"{label} has no invalid form to generate")
