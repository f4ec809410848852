"""The OpenAPI 3.1 document: complete, consistent, and true of the real responses."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.public.schema import errors, resolve


@pytest.fixture(scope="module")
def document(site):
    return site.client().get("/api/v1/openapi.json").get_json()


def check(document: dict, path: str, method: str, response, status: int | None = None) -> None:
    """The response's status and media type are documented and its JSON body fits the schema."""
    status = status or response.status_code
    operation = document["paths"][path][method]
    documented = operation["responses"].get(str(status))
    assert documented is not None, f"{method.upper()} {path} does not document {status}"
    content = documented.get("content", {})
    assert response.mimetype in content, f"{response.mimetype} not documented for {status} of {path}"
    schema = content[response.mimetype].get("schema")
    if schema is not None and response.mimetype.endswith("json"):
        found = errors(response.get_json(), schema, document)
        assert not found, found[:10]


def fits(document: dict, value, name: str) -> list[str]:
    return errors(value, {"$ref": f"#/components/schemas/{name}"}, document)


def openapi_paths(rule: str) -> list[str]:
    """Werkzeug rule -> the OpenAPI path(s) it serves."""
    if rule.endswith("qr.<fmt>"):
        return [p for kind in ("svg", "png") for p in openapi_paths(rule.replace("<fmt>", kind))]
    choice = re.search(r"<any\(([^)]*)\):\w+>", rule)
    if choice:
        options = [o.strip() for o in choice.group(1).split(",")]
        return [p for o in options for p in openapi_paths(rule.replace(choice.group(0), o))]
    return [re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)]


def test_document_is_openapi_3_1_with_resolvable_refs(document):
    assert document["openapi"] == "3.1.0" and document["info"]["title"] and document["info"]["version"]
    text = repr(document)
    for ref in set(re.findall(r"'\$ref': '([^']+)'", text)):
        assert resolve(document, ref) is not None, ref
    for path, item in document["paths"].items():
        placeholders = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == placeholders, f"{method} {path}"
            assert operation["responses"], f"{method} {path}"


def test_every_public_and_intake_route_is_documented(site, document):
    served = set()
    for rule in site.app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("public", "api"):
            served.update(openapi_paths(rule.rule))
    assert served == set(document["paths"])


def test_intake_documents_every_problem_status(document):
    responses = document["paths"]["/api/v1/cases"]["post"]["responses"]
    for status in ("200", "201", "400", "401", "403", "404", "409", "413", "415", "422"):
        assert status in responses, status
    for status in ("400", "401", "403", "404", "409", "413", "415", "422"):
        assert "application/problem+json" in responses[status]["content"]
    body = document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {r["$ref"].rsplit("/", 1)[1] for r in body["oneOf"]} == {"CaseInput", "CaseBatch"}


def test_real_intake_responses_fit_the_document(client, app, city, api_key, document):
    auth = {"Authorization": f"Bearer {api_key}"}
    single = factories.case_json("OA-1")
    assert not fits(document, single, "CaseInput")
    created = client.post("/api/v1/cases", json=single, headers=auth)
    assert created.status_code == 201
    check(document, "/api/v1/cases", "post", created)
    check(document, "/api/v1/cases", "post", client.post("/api/v1/cases", json=single, headers=auth))

    batch = {"cases": [factories.case_json("OA-2"), factories.case_json("OA-3", agency_code="Q3-P1")]}
    assert not fits(document, batch, "CaseBatch")
    batch_response = client.post("/api/v1/cases", json=batch, headers=auth)
    assert batch_response.status_code == 201 and not fits(document, batch_response.json, "BatchResult")
    check(document, "/api/v1/cases", "post", batch_response)
    check(document, "/api/v1/cases", "post", client.post("/api/v1/cases", json=batch, headers=auth))

    problems = {
        400: client.post("/api/v1/cases", data="{oops", content_type="application/json", headers=auth),
        401: client.post("/api/v1/cases", json=single),
        404: client.post("/api/v1/cases", json=factories.case_json("OA-4", agency_code="NOPE"), headers=auth),
        409: client.post("/api/v1/cases", json={**single, "channel": "post"}, headers=auth),
        415: client.post("/api/v1/cases", data="x", content_type="text/plain", headers=auth),
        422: client.post("/api/v1/cases", json={"case_ref": "OA-5"}, headers=auth),
    }
    scoped = factories.api_key(("Q1-BN",), name="scoped")
    problems[403] = client.post(
        "/api/v1/cases",
        json=factories.case_json("OA-6", agency_code="Q3-P1"),
        headers={"Authorization": f"Bearer {scoped}"},
    )
    app.config["INTAKE_MAX_BATCH"] = 2
    problems[413] = client.post(
        "/api/v1/cases", json={"cases": [factories.case_json(f"OA-7{i}") for i in range(3)]}, headers=auth
    )
    for status, response in problems.items():
        assert response.status_code == status, (status, response.json)
        assert response.mimetype == "application/problem+json"
        check(document, "/api/v1/cases", "post", response)
    assert problems[422].json["errors"] and not fits(document, problems[422].json, "Problem")


def test_real_qr_responses_fit_the_document(client, city, api_key, document):
    auth = {"Authorization": f"Bearer {api_key}"}
    client.post("/api/v1/cases", json=factories.case_json("OA-QR"), headers=auth)
    for kind in ("svg", "png"):
        path = f"/api/v1/cases/{{agency_code}}/{{case_ref}}/qr.{kind}"
        check(document, path, "get", client.get(f"/api/v1/cases/Q1-BN/OA-QR/qr.{kind}", headers=auth))
        check(document, path, "get", client.get(f"/api/v1/cases/Q1-BN/OA-QR/qr.{kind}"))
        check(document, path, "get", client.get(f"/api/v1/cases/Q1-BN/NOPE/qr.{kind}", headers=auth))


def test_real_reference_and_open_data_responses_fit_the_document(site, site_client, document):
    snapshot_id = site.ids.ward_september
    for path, url in (
        ("/api/v1/agencies", "/api/v1/agencies"),
        ("/api/v1/services", "/api/v1/services"),
        ("/data/index.json", "/data/index.json"),
        ("/snapshots/{snapshot_id}.json", f"/snapshots/{snapshot_id}.json"),
        ("/snapshots/{snapshot_id}.csv", f"/snapshots/{snapshot_id}.csv"),
        ("/snapshots/{snapshot_id}/funnel.svg", f"/snapshots/{snapshot_id}/funnel.svg"),
        ("/feed.atom", "/feed.atom"),
        ("/api/v1/openapi.json", "/api/v1/openapi.json"),
        ("/rankings/{peer_group}/{period}", "/rankings/ward/2026-09"),
        ("/rankings/{peer_group}/{period}", "/rankings/ward/2026-09?sort=colour"),
        ("/rankings/{peer_group}", "/rankings/ward"),
        ("/snapshots/{snapshot_id}", "/snapshots/999"),
    ):
        response = site_client.get(url)
        if response.status_code == 302:
            assert "302" in document["paths"][path]["get"]["responses"]
            continue
        check(document, path, "get", response)
    # every open-data row fits, including withheld ones
    rows = site_client.get(f"/snapshots/{snapshot_id}.json").json["rows"]
    assert any(r["suppressed"] for r in rows)


def test_csv_columns_are_documented(site, site_client, document):
    description = document["paths"]["/snapshots/{snapshot_id}.csv"]["get"]["summary"]
    header = site_client.get(f"/snapshots/{site.ids.ward_september}.csv").text.removeprefix("\ufeff").splitlines()[0]
    assert ", ".join(header.split(",")) in description


def test_query_parameters_of_the_table_are_documented(document):
    parameters = document["paths"]["/rankings/{peer_group}/{period}"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}
    assert set(by_name) >= {"sort", "order", "band", "parent", "q", "page", "lang"}
    assert by_name["sort"]["schema"]["enum"] == [
        "rank",
        "name",
        "observed",
        "score",
        "band",
        "responses",
        "on_time",
        "change",
    ]
