"""Data-subject requests: a citizen asks to see or erase what is held about one case.

The citizen proves they hold the case with the code from their message or slip
(``find_invitation``: today the survey link's token; the one place to change when a
shorter code exists). When the service holds their number and delivers by SMS, a one-time
code is sent to it as well. Legal timers (PDPL 91/2025/QH15, Decree 356/2025): acknowledge
within 2 working days, complete within 15 days of receipt.

Erasure removes the personal data around an answer (number, comment, case reference, link)
and keeps the anonymous answer, so tables already published do not change.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ranking.periods import CITY_TZ
from survey.audit import record
from survey.delivery.crypto import decrypt_phone
from survey.delivery.gateway import delivery_configured
from survey.delivery.queue import queue_code
from survey.extensions import db
from survey.models import Contact, DataRequest, Invitation, Response, SmsMessage
from survey.models.base import as_utc, to_naive_utc, utcnow
from survey.phones import masked
from survey.privacy.retention import ERASED_REF_PREFIX, ERASED_TOKEN_PREFIX
from survey.responses import find_link, link_hash_of
from survey.tokens import new_salt, normalise_code, sha256_hex, short_code_hash
from survey.verification import well_formed

ACKNOWLEDGE_WORKING_DAYS = 2
COMPLETE_DAYS = 15
CODE_TRIES = 5
CODE_MINUTES = 30


def find_invitation(code: str) -> Invitation | None:
    """The invitation a citizen's code names, whatever the link's state.

    The short code printed on the SMS and the counter slip (the one /verify checks) is what
    a citizen most likely has; the survey link itself, or its token, works too.
    """
    short = normalise_code(code)
    if well_formed(short):
        found = db.session.scalar(select(Invitation).where(Invitation.code_hash == short_code_hash(short)))
        if found is not None:
            return found
    return find_link(code.strip().rsplit("/", 1)[-1]).invitation


def _code(salt: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"data-request-code/v1", hashlib.sha256).digest()
    number = int.from_bytes(hmac.new(key, salt.encode(), hashlib.sha256).digest()[:8], "big")
    return f"{number % 1_000_000:06d}"


def code_for_message(dedupe_key: str) -> str:
    """The one-time code an SMS carries, derived at send time (the code itself is never stored)."""
    request = db.session.get(DataRequest, int(dedupe_key.split(":")[1]))
    return _code(request.code_salt)


def _held_number(invitation: Invitation) -> Contact | None:
    return db.session.scalar(select(Contact).where(Contact.invitation_id == invitation.id))


def start_request(invitation: Invitation, kind: str, now: datetime | None = None) -> DataRequest:
    """Record the request; it is received at once, or once the SMS code is confirmed when a number is held."""
    now = to_naive_utc(now) if now else utcnow()
    request = DataRequest(invitation_id=invitation.id, agency_id=invitation.case.agency_id, kind=kind, created_at=now)
    db.session.add(request)
    if delivery_configured(current_app) and _held_number(invitation) is not None:
        request.code_salt = new_salt()
        request.code_hash = sha256_hex(_code(request.code_salt))
        db.session.flush()
        queue_code(invitation, request.id, request.code_salt[:8])
    else:
        _receive(request, now)
    db.session.commit()
    return request


def confirm_code(request: DataRequest, code: str, now: datetime | None = None) -> bool:
    """True when ``code`` is right, in time and within the tries; the request is then received."""
    now = to_naive_utc(now) if now else utcnow()
    if request.status != "unverified" or request.code_hash is None:
        return False
    request.code_attempts += 1
    fresh = now - request.created_at <= timedelta(minutes=CODE_MINUTES)
    right = hmac.compare_digest(sha256_hex(code.strip()), request.code_hash)
    if right and fresh and request.code_attempts <= CODE_TRIES:
        request.code_salt = request.code_hash = None
        _receive(request, now)
        db.session.commit()
        return True
    db.session.commit()
    return False


def _receive(request: DataRequest, now: datetime) -> None:
    request.status, request.received_at = "new", now
    record("citizen", "data_request_received", f"data_request:{request.id}", None, {"kind": request.kind})


# Public holidays on fixed solar dates (Labour Code 2019, art. 112): New Year, Reunification
# Day, Labour Day, National Day. Tết, the Hùng Kings' day and the extra National Day are lunar
# or chosen each year, so the operator lists them in SURVEY_PUBLIC_HOLIDAYS as announced.
FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))


def is_working_day(day: date, announced: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS and day not in announced


def add_working_days(start: datetime, days: int, announced: frozenset[date] | None = None) -> datetime:
    """``days`` working days after ``start`` (city time): weekends and public holidays are skipped."""
    if announced is None:
        announced = current_app.config.get("PUBLIC_HOLIDAYS") or frozenset()
    local = as_utc(start).astimezone(CITY_TZ)
    while days:
        local += timedelta(days=1)
        if is_working_day(local.date(), announced):
            days -= 1
    return to_naive_utc(local)


@dataclass(frozen=True)
class Timers:
    acknowledge_by: datetime
    complete_by: datetime
    acknowledge_late: bool
    complete_late: bool


def timers(request: DataRequest, now: datetime | None = None) -> Timers | None:
    """The legal deadlines of a received request and whether each is missed (None before receipt)."""
    if request.received_at is None:
        return None
    now = to_naive_utc(now) if now else utcnow()
    ack_by = add_working_days(request.received_at, ACKNOWLEDGE_WORKING_DAYS)
    done_by = request.received_at + timedelta(days=COMPLETE_DAYS)
    return Timers(
        ack_by,
        done_by,
        (request.acknowledged_at or now) > ack_by,
        (request.completed_at or now) > done_by,
    )


def held_data(invitation: Invitation) -> dict:
    """What is held about the case, as the citizen may see it (the number masked)."""
    case = invitation.case
    contact = _held_number(invitation)
    phone = decrypt_phone(contact.phone_cipher) if contact else None
    response = db.session.scalar(select(Response).where(Response.link_hash == link_hash_of(invitation)))
    messages = db.session.execute(
        select(SmsMessage.kind, SmsMessage.status, SmsMessage.sent_at)
        .where(SmsMessage.invitation_id == invitation.id)
        .order_by(SmsMessage.id)
    ).all()
    return {
        "agency": case.agency,
        "service": case.service,
        "case_ref": None if case.case_ref.startswith(ERASED_REF_PREFIX) else case.case_ref,
        "completed_at": case.completed_at,
        "phone": masked(phone) if phone else None,
        "messages": messages,
        "response": response,
    }


def acknowledge(request: DataRequest, actor: str, now: datetime | None = None) -> bool:
    if request.status != "new":
        return False
    request.status, request.acknowledged_at = "acknowledged", to_naive_utc(now) if now else utcnow()
    request.handled_by = actor
    record(
        actor, "data_request_acknowledged", f"data_request:{request.id}", {"status": "new"}, {"status": "acknowledged"}
    )
    db.session.commit()
    return True


def complete(request: DataRequest, actor: str, note: str = "", now: datetime | None = None) -> bool:
    """Finish an acknowledged request; for an erasure, erase the case's personal data first."""
    if request.status != "acknowledged":
        return False
    if request.kind == "erasure" and request.invitation_id is not None:
        erase_case_data(db.session.get(Invitation, request.invitation_id))
    request.status, request.completed_at = "completed", to_naive_utc(now) if now else utcnow()
    request.handled_by, request.note = actor, note or None
    record(
        actor,
        "data_request_completed",
        f"data_request:{request.id}",
        {"status": "acknowledged"},
        {"status": "completed"},
    )
    db.session.commit()
    return True


def erase_case_data(invitation: Invitation) -> None:
    """Number, comment, case reference and link go; the anonymous answer stays in the figures."""
    db.session.execute(
        update(SmsMessage)
        .where(SmsMessage.invitation_id == invitation.id, SmsMessage.status == "queued")
        .values(status="cancelled", last_error="erased on request")
    )
    contact = _held_number(invitation)
    if contact is not None:
        db.session.delete(contact)
    if invitation.token_salt:
        db.session.execute(update(Response).where(Response.link_hash == link_hash_of(invitation)).values(comment=None))
    case = invitation.case
    case.case_ref = f"{ERASED_REF_PREFIX}{case.id}"
    invitation.token_salt = ""
    invitation.token_hash = f"{ERASED_TOKEN_PREFIX}{invitation.id}"
    invitation.expires_at = min(invitation.expires_at, utcnow())  # the survey closes: no sheet or reminder lists it


def open_requests() -> list[DataRequest]:
    """The staff queue: received and not finished, oldest first; then the latest finished ones."""
    return list(
        db.session.scalars(
            select(DataRequest).where(DataRequest.status.in_(("new", "acknowledged"))).order_by(DataRequest.received_at)
        )
    )
