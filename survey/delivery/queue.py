"""The SMS queue: intake adds invitations, the deliverer adds reminders and sends what is due.

Each message moves queued -> sending -> sent, or back to queued with a later attempt time
(back-off) when the gateway fails, or to failed after ``MAX_ATTEMPTS``, or to cancelled when
it must no longer go (opt-out, answered, expired, number erased). A message is claimed by a
compare-and-set on (status, attempts) committed before the gateway is called, so two
deliverers never send the same row; a "sending" row left by a crash is retried after
``STALE_CLAIM`` with the same message id, which the gateway deduplicates (docs/delivery.md).

Quiet hours: invitations and reminders go only 07:00-22:00 city time (Decree 91/2020 art. 12);
a one-time code the citizen just asked for is not advertising and goes at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ranking.periods import CITY_TZ
from survey.delivery.crypto import decrypt_phone
from survey.delivery.gateway import PermanentError, Sms, SmsSender, TransientError, sms_sender_for
from survey.delivery.texts import code_text, invitation_text, reminder_text
from survey.extensions import db
from survey.models import Contact, Invitation, SmsMessage
from survey.models.base import as_utc, to_naive_utc, utcnow
from survey.responses import answered_invitations
from survey.tokens import token_for_salt

log = logging.getLogger(__name__)
SEND_FROM, SEND_UNTIL = time(7, 0), time(22, 0)
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
STALE_CLAIM = timedelta(minutes=15)


def in_quiet_hours(now: datetime) -> bool:
    local = as_utc(to_naive_utc(now)).astimezone(CITY_TZ).time()
    return not (SEND_FROM <= local < SEND_UNTIL)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most six hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def queue_reminders(now: datetime) -> int:
    """One reminder per invitation sent ``REMINDER_DAYS`` ago and still unanswered, open and not opted out."""
    now = to_naive_utc(now)
    cutoff = now - timedelta(days=current_app.config["REMINDER_DAYS"])
    earlier = aliased(SmsMessage)
    reminded = exists().where(earlier.invitation_id == SmsMessage.invitation_id, earlier.kind == "reminder")
    held = exists().where(Contact.invitation_id == SmsMessage.invitation_id, Contact.opted_out_at.is_(None))
    rows = db.session.execute(
        select(SmsMessage.invitation_id, SmsMessage.agency_id)
        .join(Invitation, Invitation.id == SmsMessage.invitation_id)
        .where(
            SmsMessage.kind == "invitation",
            SmsMessage.status == "sent",
            SmsMessage.sent_at <= cutoff,
            Invitation.expires_at > now,
            held,
            ~reminded,
        )
    ).all()
    candidates = (
        list(db.session.scalars(select(Invitation).where(Invitation.id.in_([r[0] for r in rows])))) if rows else []
    )
    answered = answered_invitations(candidates)
    for invitation_id, agency_id in rows:
        if invitation_id in answered:
            continue
        db.session.add(
            SmsMessage(
                invitation_id=invitation_id,
                agency_id=agency_id,
                kind="reminder",
                dedupe_key=f"reminder:{invitation_id}",  # a second deliverer's insert fails on it
                next_attempt_at=now,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another deliverer queued them first
        return 0
    return len(rows)


def queue_code(invitation: Invitation, request_id: int, nonce: str) -> None:
    """A one-time code for a data-subject request, to the number held for the case."""
    db.session.add(
        SmsMessage(
            invitation=invitation,
            agency_id=invitation.case.agency_id,
            kind="code",
            dedupe_key=f"code:{request_id}:{nonce}",
        )
    )


@dataclass
class SmsReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    held: int = 0  # due, but quiet hours


def _due(now: datetime, quiet: bool):
    due = or_(
        and_(SmsMessage.status == "queued", SmsMessage.next_attempt_at <= now),
        and_(SmsMessage.status == "sending", SmsMessage.claimed_at <= now - STALE_CLAIM),
    )
    return and_(due, SmsMessage.kind == "code") if quiet else due


def _claim(row, now: datetime) -> bool:
    """Compare-and-set on (status, attempts): exactly one deliverer wins a row, on SQLite and PostgreSQL."""
    result = db.session.execute(
        update(SmsMessage)
        .where(SmsMessage.id == row.id, SmsMessage.status == row.status, SmsMessage.attempts == row.attempts)
        .values(status="sending", claimed_at=now, attempts=row.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def _why_not(message: SmsMessage, contact: Contact | None, now: datetime) -> str | None:
    """Why a claimed message must not go any more, or None."""
    if contact is None:
        return "number erased"
    if message.kind == "code":  # asked for by the citizen just now: not a survey message
        return None
    if contact.opted_out_at is not None:
        return "opted out"
    if message.invitation.expires_at <= now:
        return "survey closed"
    if answered_invitations([message.invitation]):
        return "already answered"
    return None


def _text(message: SmsMessage) -> str:
    case = message.invitation.case
    if message.kind == "code":
        from survey.privacy.requests import code_for_message

        return code_text(code_for_message(message.dedupe_key))
    token = token_for_salt(message.invitation.token_salt)  # the link exists only in this message
    return invitation_text(case, token) if message.kind == "invitation" else reminder_text(case, token)


def _send_one(message: SmsMessage, sender: SmsSender, now: datetime, report: SmsReport) -> None:
    contact = db.session.scalar(select(Contact).where(Contact.invitation_id == message.invitation_id))
    reason = _why_not(message, contact, now)
    phone = decrypt_phone(contact.phone_cipher) if reason is None else None
    if reason is None and phone is None:
        reason = "number unreadable with the configured keys"
    if reason is not None:
        message.status, message.last_error = "cancelled", reason
        report.cancelled += 1
        return
    sms = Sms(
        id=f"sms-{message.id}", to=phone, text=_text(message), brand=current_app.config["SMS_BRAND"], kind=message.kind
    )
    try:
        message.gateway_ref = sender.send(sms)
    except TransientError as error:
        message.last_error = str(error)[:300]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            report.failed += 1
        else:
            message.status, message.next_attempt_at = "queued", now + retry_delay(message.attempts)
            report.retried += 1
        log.warning("SMS %s attempt %s failed: %s", message.id, message.attempts, message.last_error)
    except PermanentError as error:
        message.status, message.last_error = "failed", str(error)[:300]
        report.failed += 1
        log.warning("SMS %s refused: %s", message.id, message.last_error)
    else:
        message.status, message.sent_at, message.last_error = "sent", now, None
        report.sent += 1


def deliver_sms(sender: SmsSender | None = None, *, now: datetime | None = None, limit: int = 100) -> SmsReport:
    """Queue due reminders, then send up to ``limit`` due messages, committing after each."""
    now = to_naive_utc(now) if now else utcnow()
    report = SmsReport()
    if not current_app.config.get("SMS_GATEWAY_URL") and sender is None:
        return report
    sender = sender or sms_sender_for(current_app)
    queue_reminders(now)
    quiet = in_quiet_hours(now)
    if quiet:
        report.held = db.session.scalar(select(db.func.count()).select_from(SmsMessage).where(_due(now, False))) or 0
    rows = db.session.execute(
        select(SmsMessage.id, SmsMessage.status, SmsMessage.attempts)
        .where(_due(now, quiet))
        .order_by(SmsMessage.id)
        .limit(limit)
    ).all()
    if quiet:
        report.held -= len(rows)
    for row in rows:
        if not _claim(row, now):
            continue  # another deliverer took it
        message = db.session.get(SmsMessage, row.id)
        _send_one(message, sender, now, report)
        message.claimed_at = None if message.status != "sending" else message.claimed_at
        db.session.commit()
    return report
