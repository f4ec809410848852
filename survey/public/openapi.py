"""OpenAPI 3.1 description of every public and intake endpoint (served at /api/v1/openapi.json).

Body schemas are generated from the declared models in ``survey.schemas``, the same ones
that validate intake; this module only lays out paths, parameters and responses around
them. tests/public/test_openapi.py checks real responses against the result.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema
from pydantic_core import core_schema

from survey.codes import AGENCY_CODE_PATTERN, CASE_REF_PATTERN
from survey.public.labels import BANDS
from survey.public.table import SORTS
from survey.publication.opendata import CSV_EXTRA, OPEN_DATA_FIELDS
from survey.schemas.intake import BatchResult, CaseBatch, CaseInput, CaseResult
from survey.schemas.open_data import SnapshotDocument, SnapshotIndex
from survey.schemas.problem import Problem
from survey.schemas.reference import AgencyList, ServiceList

API_VERSION = "1.0.0"
CODE = AGENCY_CODE_PATTERN
REF_TEMPLATE = "#/components/schemas/{model}"
# Requests are validated by these models; responses are serialised as they declare.
MODELS: list[tuple[type[BaseModel], JsonSchemaMode]] = [
    (CaseInput, "validation"),
    (CaseBatch, "validation"),
    (CaseResult, "serialization"),
    (BatchResult, "serialization"),
    (Problem, "serialization"),
    (AgencyList, "serialization"),
    (ServiceList, "serialization"),
    (SnapshotDocument, "serialization"),
    (SnapshotIndex, "serialization"),
]
PROBLEM_STATUSES = {
    "400": "Malformed JSON, body not UTF-8, or nested too deeply.",
    "401": "No API key, or an invalid or revoked one.",
    "403": "The API key may not act for this agency.",
    "404": "Unknown agency or service code (or no such case).",
    "409": "The case is already registered with different details; nothing was stored.",
    "413": "Too many cases in one batch, or the body is too large.",
    "415": "The body is not application/json in UTF-8.",
    "422": "Some fields are invalid; nothing was stored. `errors` points at each one.",
    "429": "Too many requests for this API key.",
}


class TidySchema(GenerateJsonSchema):
    """Pydantic's JSON Schema without the noise: no per-field titles, no "default": null."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> dict[str, Any]:
        generated = super().default_schema(schema)
        if "default" in generated and generated["default"] is None:
            del generated["default"]
        return generated


@cache
def component_schemas() -> dict[str, Any]:
    """Every model's schema under its class name, referring to the others by $ref."""
    _, document = models_json_schema(MODELS, ref_template=REF_TEMPLATE, schema_generator=TidySchema)
    return document["$defs"]


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=name)}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": ref("Problem")}}}


CACHE_HEADERS = {
    "ETag": {"description": "Strong validator; send it back in If-None-Match.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "How long shared caches may keep the response.", "schema": {"type": "string"}},
}
NOT_MODIFIED = {"description": "Not modified (If-None-Match matched the ETag).", "headers": CACHE_HEADERS}


def cached(content_type: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "headers": CACHE_HEADERS, "content": {content_type: {"schema": schema}}}


def html(description: str, parameters: list[dict[str, Any]] | None = None, not_found: bool = True) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": cached("text/html", {"type": "string"}, "The page (Vietnamese by default; ?lang=en for English)."),
        "304": NOT_MODIFIED,
    }
    if parameters:
        responses["400"] = {"description": "A malformed query parameter.", "content": {"text/html": {}}}
    if not_found:
        responses["404"] = {"description": "No such page.", "content": {"text/html": {}}}
    return {
        "get": {
            "tags": ["public pages"],
            "summary": description,
            "parameters": [LANG, *(parameters or [])],
            "responses": responses,
        }
    }


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


# Any other value is ignored (the page comes in the remembered or default language), so
# the document says "string" rather than promising a refusal the pages do not make.
LANG = query(
    "lang",
    {"type": "string", "examples": ["vi", "en"]},
    "Language, `vi` (default) or `en`; remembered in a cookie. Other values are ignored.",
)
CHART_LANG = path("lang", {"type": "string", "enum": ["vi", "en"]}, "Language of the chart's words and numbers.")
SNAPSHOT_ID = path("snapshot_id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "Snapshot id (permanent).")
PEER_GROUP = path("peer_group", {"type": "string"}, "Peer group, e.g. ward, district, department.")
PERIOD = path("period", {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$"}, "Month or quarter.")
# Empty (as a form leaves it) means the first page.
PAGE = query(
    "page",
    {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 999999}, {"type": "string", "maxLength": 0}], "default": 1},
    "Page of 50 rows (empty: the first).",
)
TABLE_PARAMETERS = [
    query("sort", {"type": "string", "enum": list(SORTS), "default": "score"}, "Column to sort by."),
    query("order", {"type": "string", "enum": ["asc", "desc"]}, "Direction (default: the column's natural one)."),
    # The filter form sends band= and parent= empty for "all", so empty is accepted.
    query("band", {"type": "string", "enum": [*BANDS, ""]}, "Only agencies in this funnel band (empty: all)."),
    query(
        "parent",
        {"type": "string", "pattern": f"(^$)|({CODE})"},
        "Only agencies under this parent, e.g. a district (empty: all).",
    ),
    query("q", {"type": "string", "maxLength": 100}, "Name or code contains (accents ignored)."),
    PAGE,
]

CSV_DESCRIPTION = (
    "Open data of one snapshot, one row per agency, UTF-8 with a byte-order mark and a header row: "
    + ", ".join((*OPEN_DATA_FIELDS, *CSV_EXTRA))
    + ". Withheld values are empty; shares are rounded to 4 decimals; yes/no fields are 1/0."
)


def intake_paths() -> dict[str, Any]:
    intake_errors = {code: problem(text) for code, text in PROBLEM_STATUSES.items()}
    qr_errors = {code: problem(PROBLEM_STATUSES[code]) for code in ("401", "403", "404", "429")}
    case_path = [
        path("agency_code", {"type": "string", "pattern": CODE}, "Agency code."),
        path("case_ref", {"type": "string", "pattern": CASE_REF_PATTERN}, "The case system's reference."),
    ]
    result = {"oneOf": [ref("CaseResult"), ref("BatchResult")]}

    def qr(media: str) -> dict[str, Any]:
        return {
            "get": {
                "tags": ["intake"],
                "summary": "QR code of a case's survey link.",
                "security": [{"apiKey": []}],
                "parameters": case_path,
                "responses": {
                    "200": {"description": "The QR code.", "content": {media: {"schema": {"type": "string"}}}},
                    **qr_errors,
                },
            }
        }

    return {
        "/api/v1/cases": {
            "post": {
                "tags": ["intake"],
                "summary": "Register completed cases; returns each case's survey link (idempotent).",
                "description": (
                    'Send one case as an object, or a batch as {"cases": [...]}. A batch is stored whole or '
                    "not at all. Posting an identical case again returns its existing link."
                ),
                "security": [{"apiKey": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"oneOf": [ref("CaseInput"), ref("CaseBatch")]}}},
                },
                "responses": {
                    "201": json_body(result, "At least one case was new."),
                    "200": json_body(result, "Every case was already registered (same details)."),
                    **intake_errors,
                },
            }
        },
        "/api/v1/cases/{agency_code}/{case_ref}/qr.svg": qr("image/svg+xml"),
        "/api/v1/cases/{agency_code}/{case_ref}/qr.png": qr("image/png"),
        "/api/v1/agencies": {
            "get": {
                "tags": ["reference"],
                "summary": "Active agencies with their peer group and parent.",
                "responses": {"200": json_body(ref("AgencyList"), "Agencies, by code.")},
            }
        },
        "/api/v1/services": {
            "get": {
                "tags": ["reference"],
                "summary": "Active services (procedures) with their category and committed days.",
                "responses": {"200": json_body(ref("ServiceList"), "Services, by code.")},
            }
        },
    }


def open_data_paths() -> dict[str, Any]:
    not_found = {"description": "No such snapshot.", "content": {"text/html": {}}}

    def snapshot_file(
        media: str, schema: dict[str, Any], summary: str, parameters: tuple[dict[str, Any], ...] = ()
    ) -> dict[str, Any]:
        return {
            "get": {
                "tags": ["open data"],
                "summary": summary,
                "parameters": [SNAPSHOT_ID, *parameters],
                "responses": {"200": cached(media, schema, summary), "304": NOT_MODIFIED, "404": not_found},
            }
        }

    return {
        "/data/index.json": {
            "get": {
                "tags": ["open data"],
                "summary": "Every snapshot with its metadata and links, newest first.",
                "responses": {
                    "200": cached("application/json", ref("SnapshotIndex"), "The index."),
                    "304": NOT_MODIFIED,
                },
            }
        },
        "/snapshots/{snapshot_id}.json": snapshot_file(
            "application/json", ref("SnapshotDocument"), "Open data of one snapshot as JSON."
        ),
        "/snapshots/{snapshot_id}.csv": snapshot_file("text/csv", {"type": "string"}, CSV_DESCRIPTION),
        "/snapshots/{snapshot_id}/funnel.svg": snapshot_file(
            "image/svg+xml", {"type": "string"}, "Funnel plot stored with the snapshot (the site's default language)."
        ),
        "/snapshots/{snapshot_id}/caterpillar.svg": snapshot_file(
            "image/svg+xml",
            {"type": "string"},
            "Caterpillar plot stored with the snapshot (scores with 95% intervals).",
        ),
        "/snapshots/{snapshot_id}/funnel.{lang}.svg": snapshot_file(
            "image/svg+xml", {"type": "string"}, "Funnel plot in one language (words and numbers).", (CHART_LANG,)
        ),
        "/snapshots/{snapshot_id}/caterpillar.{lang}.svg": snapshot_file(
            "image/svg+xml",
            {"type": "string"},
            "Caterpillar plot in one language: the ranked agencies and those clearly different from peers, named.",
            (CHART_LANG,),
        ),
        "/data/series/{peer_group}.csv": {
            "get": {
                "tags": ["open data"],
                "summary": "Every published period of a peer group (current revision of each), oldest first: "
                "the CSV columns of one snapshot.",
                "parameters": [PEER_GROUP],
                "responses": {
                    "200": cached("text/csv", {"type": "string"}, "The time series."),
                    "304": NOT_MODIFIED,
                    "404": not_found,
                },
            }
        },
        "/feed.atom": {
            "get": {
                "tags": ["open data"],
                "summary": "Atom 1.0 feed of publications.",
                "parameters": [LANG],
                "responses": {
                    "200": cached("application/atom+xml", {"type": "string"}, "The feed."),
                    "304": NOT_MODIFIED,
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "tags": ["open data"],
                "summary": "This document.",
                "responses": {"200": cached("application/json", {"type": "object"}, "OpenAPI 3.1 document.")},
            }
        },
    }


def page_paths() -> dict[str, Any]:
    code = path("code", {"type": "string", "pattern": CODE}, "Agency code.")
    page = PAGE
    latest = html("Latest league table of a peer group (redirects to its newest period).", [])
    latest["get"]["responses"] = {
        "302": {"description": "Redirect to /rankings/{peer_group}/{period}."},
        "404": {"description": "Unknown peer group.", "content": {"text/html": {}}},
    }
    latest["get"]["parameters"] = [PEER_GROUP]
    league = html("League table of a peer group for a period (latest revision).", TABLE_PARAMETERS)
    league["get"]["parameters"] = [PEER_GROUP, PERIOD, *league["get"]["parameters"]]
    snapshot = html("One snapshot's table, hash chain and charts, at its permanent address.", TABLE_PARAMETERS)
    snapshot["get"]["parameters"] = [SNAPSHOT_ID, *snapshot["get"]["parameters"]]
    kind = query("kind", {"type": "string", "enum": ["quarter", "month"], "default": "quarter"}, "Kind of period.")
    latest_changes = html("Largest significant changes of the newest quarter (or month): redirects to it.", [kind])
    latest_changes["get"]["responses"]["302"] = {"description": "Redirect to /changes/{period}."}
    changes = html("Largest significant rises and falls of a period across peer groups, latest revisions.")
    changes["get"]["parameters"] = [LANG, PERIOD]
    agency = html("An agency's history, parent and peers.")
    agency["get"]["parameters"] = [code, LANG]
    return {
        "/": html("Home: latest publications, headline figures, movers and flagged agencies.", not_found=False),
        "/rankings/{peer_group}": latest,
        "/rankings/{peer_group}/{period}": league,
        "/snapshots/{snapshot_id}": snapshot,
        "/agencies/{code}": agency,
        "/changes": latest_changes,
        "/changes/{period}": changes,
        "/archive": html("Every snapshot, newest first.", [page]),
        "/methodology": html("How the figures are computed, in plain words.", not_found=False),
        "/data": html("Open data: downloads and field descriptions.", [page]),
        "/healthz": {
            "get": {
                "tags": ["operations"],
                "summary": "Liveness and database check.",
                "responses": {"200": json_body({"type": "object"}, "The service is up.")},
            }
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (plain data, JSON-serialisable)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Citizen satisfaction survey and public ranking",
            "version": API_VERSION,
            "description": (
                "Case intake for integrating systems (API key), reference lists, and the published league "
                "tables as open data. Published snapshots never change: their files are cacheable for a year."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "intake"},
            {"name": "reference"},
            {"name": "open data"},
            {"name": "public pages"},
            {"name": "operations"},
        ],
        "paths": {**intake_paths(), **open_data_paths(), **page_paths()},
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Per-system API key: 'Authorization: Bearer KEY'.",
                }
            },
        },
    }
