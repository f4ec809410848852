"""Registering completed cases and issuing their single-use survey invitations.

Validation is separate from storage so a batch can be checked whole before any row
is written: a batch with one bad case stores nothing. The rules for one case are the
declared model ``survey.schemas.intake.CaseInput``; the batch rules live here.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from survey.delivery.contacts import attach_contact
from survey.delivery.gateway import delivery_configured
from survey.extensions import db
from survey.integrity.minting import audit_minting, audit_refusal, enforce_daily_cap
from survey.models import Agency, ApiKey, Case, Invitation, Service
from survey.models.base import as_utc, utcnow
from survey.problems import ApiError, field_error
from survey.schemas.intake import CASE_FIELDS, CaseInput, CaseResult, validate_case
from survey.tokens import display_code, new_salt, sha256_hex, short_code_for_salt, short_code_hash, token_for_salt

__all__ = ["CASE_FIELDS", "CaseInput", "IssuedCase", "register_cases", "validate_batch", "validate_case"]


@dataclass(frozen=True)
class IssuedCase:
    case: Case
    token: str
    created: bool
    # "queued"/"declined" when the service delivers this invitation by SMS: the link is then withheld.
    delivery: str | None = None


def validate_batch(items: list[Any]) -> list[CaseInput]:
    """Validate every case; raise one 422 listing all failures, or return all cases."""
    parsed: list[CaseInput] = []
    errors: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for index, obj in enumerate(items):
        case, case_errors = validate_case(obj, index)
        errors.extend(case_errors)
        if case is None:
            continue
        key = (case.agency_code, case.case_ref)
        if key in seen:
            errors.append(field_error(f"/cases/{index}/case_ref", f"duplicates case {seen[key]} of this batch", index))
        seen[key] = index
        parsed.append(case)
    if errors:
        failed = sorted({e["index"] for e in errors if "index" in e})
        raise ApiError(
            422, f"{len(failed)} of {len(items)} cases are invalid; none was stored.", errors, "invalid-fields"
        )
    return parsed


def resolve_references(cases: list[CaseInput], api_key: ApiKey | None) -> tuple[dict[str, Agency], dict[str, Service]]:
    """Look up agency and service codes in two queries; 404 for unknown codes, 403 outside the key's scope."""
    agency_codes = {c.agency_code for c in cases}
    service_codes = {c.service_code for c in cases}
    agencies = {
        a.code: a for a in db.session.scalars(select(Agency).where(Agency.code.in_(agency_codes), Agency.active))
    }
    services = {
        s.code: s for s in db.session.scalars(select(Service).where(Service.code.in_(service_codes), Service.active))
    }
    unknown = []
    for index, case in enumerate(cases):
        if case.agency_code not in agencies:
            unknown.append(field_error(f"/cases/{index}/agency_code", "unknown agency code", index))
        if case.service_code not in services:
            unknown.append(field_error(f"/cases/{index}/service_code", "unknown service code", index))
    if unknown:
        raise ApiError(404, "Unknown agency or service code; nothing was stored.", unknown, "unknown-code")
    if api_key is not None and api_key.agencies:
        allowed = {a.code for a in api_key.agencies}
        refused = [
            field_error(f"/cases/{index}/agency_code", "this API key may not post for this agency", index)
            for index, case in enumerate(cases)
            if case.agency_code not in allowed
        ]
        if refused:
            audit_refusal(api_key, sorted({c.agency_code for c in cases if c.agency_code not in allowed}))
            raise ApiError(403, "This API key is not allowed to post for some agencies.", refused, "agency-not-allowed")
    return agencies, services


def _differences(case: Case, wanted: CaseInput, service: Service) -> list[str]:
    stored = {
        "service_code": case.service.code,
        "received_at": case.received_at,
        "due_at": case.due_at,
        "completed_at": case.completed_at,
        "channel": case.channel,
    }
    given = {
        "service_code": service.code,
        "received_at": wanted.received_at,
        "due_at": wanted.due_at,
        "completed_at": wanted.completed_at,
        "channel": wanted.channel,
    }
    return [key for key in stored if stored[key] != given[key]]


def register_cases(
    items: list[CaseInput], api_key: ApiKey | None = None, source: str | None = None
) -> list[IssuedCase]:
    """Store new cases with their invitations in one transaction; return every case's link.

    ``source`` says how the invitations were minted (``survey.vocabulary.MINT_SOURCES``):
    by default the key's system, or an admin upload without one. Minting is capped per
    agency and day, and audited once per batch and agency (``survey.integrity.minting``).

    Idempotent on (agency, case_ref): an existing identical case returns its existing
    invitation. A concurrent insert of the same case is retried once, after which the
    other writer's row is simply found.
    """
    agencies, services = resolve_references(items, api_key)
    for attempt in (1, 2):
        try:
            result = _store(items, agencies, services, api_key, source or ("api_key" if api_key else "upload"))
            # Keep the rows just written loaded: building each link must not reload every case.
            session = db.session()
            session.expire_on_commit = False
            try:
                session.commit()
            finally:
                session.expire_on_commit = True
            return result
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store(items, agencies, services, api_key, source: str) -> list[IssuedCase]:
    keys = [(agencies[c.agency_code].id, c.case_ref) for c in items]
    existing = (
        {
            (case.agency_id, case.case_ref): case
            for case in db.session.scalars(
                select(Case)
                .where(tuple_(Case.agency_id, Case.case_ref).in_(keys))
                .options(selectinload(Case.invitation), selectinload(Case.service))
            )
        }
        if keys
        else {}
    )
    conflicts = []
    for index, (key, item) in enumerate(zip(keys, items, strict=True)):
        case = existing.get(key)
        if case is not None:
            differing = _differences(case, item, services[item.service_code])
            if differing:
                conflicts.append(
                    field_error(
                        f"/cases/{index}/{differing[0]}",
                        f"case already registered with different {', '.join(differing)}",
                        index,
                    )
                )
    if conflicts:
        raise ApiError(
            409,
            "Some cases are already registered with different details; nothing was stored.",
            conflicts,
            "case-conflict",
        )

    new_by_agency = Counter(
        agencies[item.agency_code] for key, item in zip(keys, items, strict=True) if key not in existing
    )
    if new_by_agency:
        enforce_daily_cap(new_by_agency, api_key, source)
        audit_minting(new_by_agency, api_key, source)
    expiry = utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"])
    results: list[IssuedCase | None] = []
    new_cases: list[tuple[int, Case, str]] = []
    for index, (key, item) in enumerate(zip(keys, items, strict=True)):
        case = existing.get(key)
        if case is not None:
            delivery = "queued" if case.invitation.delivery_channel == "sms" else None
            results.append(IssuedCase(case, token_for_salt(case.invitation.token_salt), False, delivery))
            continue
        case = Case(
            agency=agencies[item.agency_code],
            service=services[item.service_code],
            case_ref=item.case_ref,
            received_at=item.received_at,
            due_at=item.due_at,
            completed_at=item.completed_at,
            channel=item.channel,
            api_key_id=api_key.id if api_key else None,
            source=source,
        )
        salt = new_salt()
        token = token_for_salt(salt)
        case.invitation = Invitation(
            token_salt=salt,
            token_hash=sha256_hex(token),
            code_hash=short_code_hash(short_code_for_salt(salt)),
            expires_at=expiry,
        )
        db.session.add(case)
        new_cases.append((index, case, token))
        results.append(None)
    db.session.flush()
    delivering = delivery_configured(current_app)
    for index, case, token in new_cases:
        phone = items[index].phone if delivering else None  # without a gateway the number is not kept at all
        delivery = None
        if phone is not None:
            delivery = "queued" if attach_contact(case.invitation, case.agency.id, phone) else "declined"
            case.invitation.delivery_channel = "sms"
        results[index] = IssuedCase(case, token, True, delivery)
    return [r for r in results if r is not None]


def survey_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/s/{token}"


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics, so an SMS fits the GSM 7-bit alphabet (160 characters)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


SMS_ASCII_LIMIT = 160  # one GSM 7-bit message
SMS_UNICODE_LIMIT = 201  # three concatenated UCS-2 parts of 67 characters


def verify_url() -> str:
    """The public "is this message real?" page that SMS text and slips point to."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/verify"


def issuing_body(case: Case) -> str:
    return current_app.config.get("ORG_NAME") or case.agency.name_vi


def sms_text(case: Case, token: str) -> str:
    """The invitation SMS: who asks, the link, and the short code to check it is genuine.

    Vietnamese with diacritics when the gateway takes Unicode (SURVEY_SMS_UNICODE), else
    ASCII in one message. The richest wording that fits is used; the issuing body's name
    is shortened only when even the plainest does not fit.
    """
    unicode = bool(current_app.config.get("SMS_UNICODE"))
    limit = SMS_UNICODE_LIMIT if unicode else SMS_ASCII_LIMIT
    values = {
        "ref": case.case_ref,
        "url": survey_url(token),
        "code": display_code(short_code_for_salt(case.invitation.token_salt)),
        "check": verify_url(),
    }
    if unicode:
        wordings = (
            "{org}: mời Ông/Bà đánh giá hồ sơ {ref}: {url} Mã xác thực {code}, kiểm tra tại {check}",
            "{org}: mời Ông/Bà đánh giá dịch vụ: {url} Mã {code}, kiểm tra tại {check}",
        )
        org = issuing_body(case)
    else:
        wordings = (
            "{org}: moi Ong/Ba danh gia ho so {ref}: {url} Ma {code}, kiem tra tai {check}",
            "{org} moi danh gia: {url} Ma {code}, kiem tra: {check}",
        )
        org = ascii_fold(issuing_body(case))
    for wording in wordings:
        text = wording.format(org=org, **values)
        if len(text) <= limit:
            return text
    wording = wordings[-1]
    budget = limit - len(wording.format(org="", **values))
    return wording.format(org=org[: max(budget - 1, 0)].rstrip() + ".", **values)[:limit]


def case_result(issued: IssuedCase) -> CaseResult:
    """The API's answer for one case: its link, SMS text and QR addresses."""
    case = issued.case
    base = current_app.config["BASE_URL"].rstrip("/")
    qr = f"{base}/api/v1/cases/{case.agency.code}/{case.case_ref}/qr"
    # Built from stored values, not checked again: the response tests hold it to the schema.
    if issued.delivery is not None:  # the service sends the link: the case system never learns it
        return CaseResult.model_construct(
            agency_code=case.agency.code,
            service_code=case.service.code,
            case_ref=case.case_ref,
            created=issued.created,
            survey_url=None,
            expires_at=as_utc(case.invitation.expires_at).isoformat().replace("+00:00", "Z"),
            sms_text=None,
            qr_svg_url=None,
            qr_png_url=None,
            delivery=issued.delivery,
        )
    result = CaseResult.model_construct(
        agency_code=case.agency.code,
        service_code=case.service.code,
        case_ref=case.case_ref,
        created=issued.created,
        survey_url=survey_url(issued.token),
        expires_at=as_utc(case.invitation.expires_at).isoformat().replace("+00:00", "Z"),
        sms_text=sms_text(case, issued.token),
        qr_svg_url=qr + ".svg",
        qr_png_url=qr + ".png",
        delivery=None,
    )
    return result
