"""OpenAPI 3.1 description of every public and intake endpoint (served at /api/v1/openapi.json).

Shapes mirror survey/api/routes.py, survey/intake.py, survey/problems.py and
survey/publication/opendata.py; tests/public/test_openapi.py checks real responses against it.
"""

from __future__ import annotations

from typing import Any

from survey.intake import CASE_FIELDS
from survey.models.case import CHANNELS
from survey.public.labels import BANDS
from survey.public.table import SORTS
from survey.publication.opendata import CSV_EXTRA, OPEN_DATA_FIELDS

API_VERSION = "1.0.0"
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CASE_REF = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
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


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


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

CASE_INPUT = {
    "type": "object",
    "description": "A completed case. Times are ISO 8601; without an offset they are read as Asia/Ho_Chi_Minh.",
    "required": list(CASE_FIELDS),
    "additionalProperties": False,
    "properties": {
        "agency_code": {"type": "string", "pattern": CODE},
        "service_code": {"type": "string", "pattern": CODE},
        "case_ref": {"type": "string", "pattern": CASE_REF},
        "received_at": {"type": "string", "format": "date-time"},
        "due_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": "string", "format": "date-time", "description": "Not in the future."},
        "channel": {"type": "string", "enum": list(CHANNELS)},
    },
}

CASE_RESULT = {
    "type": "object",
    "required": [
        "agency_code",
        "service_code",
        "case_ref",
        "created",
        "survey_url",
        "expires_at",
        "sms_text",
        "qr_svg_url",
        "qr_png_url",
    ],
    "additionalProperties": False,
    "properties": {
        "agency_code": {"type": "string"},
        "service_code": {"type": "string"},
        "case_ref": {"type": "string"},
        "created": {"type": "boolean", "description": "False when the identical case was already registered."},
        "survey_url": {"type": "string", "format": "uri", "description": "Single-use survey link."},
        "expires_at": {"type": "string", "format": "date-time"},
        "sms_text": {"type": "string", "maxLength": 160, "description": "Ready-to-send SMS (GSM 7-bit)."},
        "qr_svg_url": {"type": "string", "format": "uri"},
        "qr_png_url": {"type": "string", "format": "uri"},
    },
}

NUMBER_FIELDS = {
    "rate", "rate_low", "rate_high", "expected", "z", "limit95_low", "limit95_high", "limit998_low",
    "limit998_high", "score", "score_low", "score_high",
}  # fmt: skip
INTEGER_FIELDS = {"responses", "positive"}
RANK_FIELDS = {"rank", "rank_low", "rank_high"}


def open_data_property(name: str) -> dict[str, Any]:
    if name in NUMBER_FIELDS:
        return nullable("number")
    if name in INTEGER_FIELDS:
        return nullable("integer", minimum=0)
    if name in RANK_FIELDS:
        # Quantiles of simulated ranks: whole numbers, serialised as JSON numbers (e.g. 3.0).
        return nullable("number", minimum=1)
    if name == "band":
        return {"enum": [*BANDS, None]}
    if name in ("suppressed", "ranked"):
        return {"type": "boolean"}
    return {"type": "string"}


OPEN_DATA_ROW = {
    "type": "object",
    "description": "One agency in one snapshot; null where withheld (small counts, unranked).",
    "required": list(OPEN_DATA_FIELDS),
    "additionalProperties": False,
    "properties": {name: open_data_property(name) for name in OPEN_DATA_FIELDS},
}

SNAPSHOT_METADATA = {
    "type": "object",
    "required": [
        "id",
        "period",
        "peer_group",
        "revision",
        "provisional",
        "method_version",
        "parameters",
        "created",
        "hash",
        "previous_hash",
        "supersedes",
    ],
    "properties": {
        "id": {"type": "integer"},
        "period": {"type": "string"},
        "peer_group": {"type": "string"},
        "revision": {"type": "integer", "minimum": 1},
        "provisional": {"type": "boolean"},
        "method_version": {"type": "string"},
        "parameters": {"type": "object", "description": "MethodParams used (METHODOLOGY.md)."},
        "created": {"type": "string", "format": "date-time"},
        "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "previous_hash": nullable("string", description="Hash of the snapshot before this one in the chain."),
        "supersedes": nullable("integer", description="Id of the snapshot this one corrects."),
    },
}

SCHEMAS: dict[str, Any] = {
    "CaseInput": CASE_INPUT,
    "CaseBatch": {
        "type": "object",
        "required": ["cases"],
        "additionalProperties": False,
        "properties": {"cases": {"type": "array", "minItems": 1, "maxItems": 1000, "items": ref("CaseInput")}},
    },
    "CaseResult": CASE_RESULT,
    "BatchResult": {
        "type": "object",
        "required": ["cases", "created", "existing"],
        "additionalProperties": False,
        "properties": {
            "cases": {"type": "array", "items": ref("CaseResult")},
            "created": {"type": "integer", "minimum": 0},
            "existing": {"type": "integer", "minimum": 0},
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["pointer", "detail"],
                    "properties": {
                        "pointer": {"type": "string", "description": "JSON pointer into the request body."},
                        "detail": {"type": "string"},
                        "index": {"type": "integer", "description": "Position of the case in a batch."},
                    },
                },
            },
        },
    },
    "AgencyList": {
        "type": "object",
        "required": ["agencies"],
        "properties": {
            "agencies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name_vi", "name_en", "kind", "peer_group", "parent_code"],
                    "additionalProperties": False,
                    "properties": {
                        "code": {"type": "string"},
                        "name_vi": {"type": "string"},
                        "name_en": {"type": "string"},
                        "kind": {"type": "string"},
                        "peer_group": {"type": "string"},
                        "parent_code": nullable("string"),
                    },
                },
            }
        },
    },
    "ServiceList": {
        "type": "object",
        "required": ["services"],
        "properties": {
            "services": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name_vi", "name_en", "category", "committed_days"],
                    "additionalProperties": False,
                    "properties": {
                        "code": {"type": "string"},
                        "name_vi": {"type": "string"},
                        "name_en": {"type": "string"},
                        "category": {"type": "string", "description": "Groups services for case mix."},
                        "committed_days": {"type": "integer", "minimum": 0},
                    },
                },
            }
        },
    },
    "SnapshotMetadata": SNAPSHOT_METADATA,
    "OpenDataRow": OPEN_DATA_ROW,
    "SnapshotDocument": {
        "type": "object",
        "required": ["snapshot", "summary", "rows"],
        "additionalProperties": False,
        "properties": {
            "snapshot": ref("SnapshotMetadata"),
            "summary": {"type": "object", "description": "Group totals and fitted parameters."},
            "rows": {"type": "array", "items": ref("OpenDataRow")},
        },
    },
    "SnapshotIndex": {
        "type": "object",
        "required": ["snapshots", "links"],
        "properties": {
            "snapshots": {
                "type": "array",
                "items": {
                    "allOf": [
                        ref("SnapshotMetadata"),
                        {
                            "type": "object",
                            "required": ["superseded_by", "links"],
                            "properties": {
                                "superseded_by": nullable("integer"),
                                "links": ref("SnapshotLinks"),
                            },
                        },
                    ]
                },
            },
            "links": {
                "type": "object",
                "required": ["feed", "openapi"],
                "properties": {"feed": {"type": "string"}, "openapi": {"type": "string"}},
            },
        },
    },
    "SnapshotLinks": {
        "type": "object",
        "required": ["html", "csv", "json"],
        "properties": {
            name: {"type": "string", "format": "uri"}
            for name in ("html", "csv", "json", "funnel_svg", "caterpillar_svg")
        },
    },
}

CSV_DESCRIPTION = (
    "Open data of one snapshot, one row per agency, UTF-8 with a header row: "
    + ", ".join((*OPEN_DATA_FIELDS, *CSV_EXTRA))
    + ". Withheld values are empty."
)


def intake_paths() -> dict[str, Any]:
    intake_errors = {code: problem(text) for code, text in PROBLEM_STATUSES.items()}
    qr_errors = {code: problem(PROBLEM_STATUSES[code]) for code in ("401", "403", "404", "429")}
    case_path = [
        path("agency_code", {"type": "string", "pattern": CODE}, "Agency code."),
        path("case_ref", {"type": "string", "pattern": CASE_REF}, "The case system's reference."),
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

    def snapshot_file(media: str, schema: dict[str, Any], summary: str) -> dict[str, Any]:
        return {
            "get": {
                "tags": ["open data"],
                "summary": summary,
                "parameters": [SNAPSHOT_ID],
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
            "image/svg+xml", {"type": "string"}, "Funnel plot stored with the snapshot."
        ),
        "/snapshots/{snapshot_id}/caterpillar.svg": snapshot_file(
            "image/svg+xml", {"type": "string"}, "Caterpillar plot (scores with 95% intervals)."
        ),
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
    agency = html("An agency's history, parent and peers.")
    agency["get"]["parameters"] = [code, LANG]
    return {
        "/": html("Home: latest publications, headline figures, movers and flagged agencies.", not_found=False),
        "/rankings/{peer_group}": latest,
        "/rankings/{peer_group}/{period}": league,
        "/snapshots/{snapshot_id}": snapshot,
        "/agencies/{code}": agency,
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
            "schemas": SCHEMAS,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Per-system API key: 'Authorization: Bearer KEY'.",
                }
            },
        },
    }
