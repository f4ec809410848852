"""Intake and reference endpoints. Views are thin: parsing here, rules in ``survey.intake``."""

from __future__ import annotations

import io
import json
from typing import Any

import segno
from flask import Response, current_app, jsonify, request
from sqlalchemy import select

from survey.api import bp
from survey.api.auth import rate_limit_key, require_api_key
from survey.extensions import db, limiter
from survey.intake import case_result, register_cases, survey_url, validate_batch
from survey.models import Agency, Case, Service
from survey.problems import ApiError
from survey.schemas.intake import BatchResult, batch_items
from survey.schemas.reference import AgencyItem, AgencyList, ServiceItem, ServiceList
from survey.tokens import token_for_salt

MAX_JSON_DEPTH = 8


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def json_body() -> Any:
    """The request's JSON, or a precise problem: 415 wrong type, 400 malformed or too deep."""
    if request.mimetype != "application/json":
        raise ApiError(415, "Send the body as application/json.", slug="unsupported-media-type")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):  # JSON is UTF-8 (RFC 8259); anything else is a client bug
        raise ApiError(415, "JSON must be sent as UTF-8.", slug="unsupported-media-type")
    raw = request.get_data(cache=False)
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "The body is not valid UTF-8.", slug="malformed-json") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        detail = (
            f"Malformed JSON at line {exc.lineno}, column {exc.colno}."
            if isinstance(exc, json.JSONDecodeError)
            else "Malformed JSON."
        )
        raise ApiError(400, detail, slug="malformed-json") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise ApiError(400, "A number in the JSON is too long.", slug="malformed-json") from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise ApiError(400, "JSON nested too deeply.", slug="malformed-json")
    return body


def as_single_case(error: ApiError) -> ApiError:
    """Reword a one-case batch error for a single-object request (no /cases/0 pointers)."""
    for entry in error.errors:
        entry["pointer"] = entry["pointer"].removeprefix("/cases/0") or "/"
        entry.pop("index", None)
    error.detail = error.detail.replace("1 of 1 cases are invalid", "The case is invalid")
    return error


def intake_limit() -> str:
    return current_app.config["RATELIMIT_INTAKE"]


@bp.post("/cases")
@limiter.limit(intake_limit, key_func=rate_limit_key)
def post_cases() -> tuple[Response, int]:
    api_key = require_api_key()
    body = json_body()
    if isinstance(body, dict) and "cases" in body:
        items = batch_items(body, current_app.config["INTAKE_MAX_BATCH"])
        issued = register_cases(validate_batch(items), api_key)
        created = sum(item.created for item in issued)
        batch = BatchResult.model_construct(
            cases=[case_result(item) for item in issued], created=created, existing=len(issued) - created
        )
        return jsonify(batch.model_dump()), 201 if created else 200
    if not isinstance(body, dict):
        raise ApiError(422, 'Send one case as a JSON object, or a batch as {"cases": [...]}.', slug="invalid-fields")
    try:
        [item] = register_cases(validate_batch([body]), api_key)
    except ApiError as error:
        raise as_single_case(error) from None
    return jsonify(case_result(item).model_dump()), 201 if item.created else 200


def _find_case(agency_code: str, case_ref: str) -> Case:
    """The case, if this key may read its agency's cases.

    The scope is checked on the agency code *before* the lookup, so a key for one agency
    gets the same 403 whether or not a reference exists at another.
    """
    api_key = require_api_key()
    if api_key.agencies and agency_code not in {a.code for a in api_key.agencies}:
        raise ApiError(403, "This API key is not allowed to read this agency's cases.", slug="agency-not-allowed")
    case = db.session.scalar(select(Case).join(Agency).where(Agency.code == agency_code, Case.case_ref == case_ref))
    if case is None or case.invitation is None:
        raise ApiError(404, "No such case.", slug="not-found")
    return case


@bp.get("/cases/<agency_code>/<case_ref>/qr.<fmt>")
@limiter.limit(intake_limit, key_func=rate_limit_key)
def case_qr(agency_code: str, case_ref: str, fmt: str) -> Response:
    if fmt not in ("svg", "png"):
        raise ApiError(404, "QR codes come as .svg or .png.", slug="not-found")
    case = _find_case(agency_code, case_ref)
    if case.invitation.delivery_channel == "sms":  # the service delivers this link; nobody else gets it
        raise ApiError(409, "This case's invitation is delivered by the survey service.", slug="delivered-by-service")
    qr = segno.make(survey_url(token_for_salt(case.invitation.token_salt)), error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=4, border=4, title="Survey link QR code")
        mimetype = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=6, border=4)
        mimetype = "image/png"
    response = Response(buffer.getvalue(), mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/agencies")
def list_agencies() -> Response:
    rows = db.session.execute(
        select(Agency.code, Agency.name_vi, Agency.name_en, Agency.kind, Agency.peer_group, Agency.parent_id, Agency.id)
        .where(Agency.active)
        .order_by(Agency.code)
    ).all()
    codes = {row.id: row.code for row in rows}
    listing = AgencyList(
        agencies=[
            AgencyItem(
                code=r.code,
                name_vi=r.name_vi,
                name_en=r.name_en,
                kind=r.kind,
                peer_group=r.peer_group,
                parent_code=codes.get(r.parent_id),
            )
            for r in rows
        ]
    )
    return jsonify(listing.model_dump())


@bp.get("/services")
def list_services() -> Response:
    services = db.session.scalars(select(Service).where(Service.active).order_by(Service.code))
    listing = ServiceList(services=[ServiceItem.model_validate(s, from_attributes=True) for s in services])
    return jsonify(listing.model_dump())
