"""Delivering invitations ourselves: the citizen's number (encrypted), each SMS, and the opt-out list.

``Contact.phone_cipher`` is the number encrypted with a key kept outside the database
(survey.delivery.crypto); ``phone_lookup`` is a keyed hash so an opt-out reply can find it
without decrypting every row. Neither is readable without that key.

An ``SmsMessage`` holds no text: the survey link in it is derived from the invitation's
salt at send time (survey.tokens), so the table, or a backup of it, opens no survey.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.base import utcnow
from survey.models.case import Invitation

# queued -> sending -> sent | queued (retry later) | failed (gave up) ; queued -> cancelled
SMS_STATUSES = ("queued", "sending", "sent", "failed", "cancelled")
SMS_KINDS = ("invitation", "reminder", "code")


class Contact(db.Model):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)
    phone_cipher: Mapped[str] = mapped_column(String(255))
    phone_lookup: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime)

    invitation: Mapped[Invitation] = relationship()


class SmsMessage(db.Model):
    __tablename__ = "sms_message"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)  # for per-agency figures
    kind: Mapped[str] = mapped_column(String(16))
    # "invitation:<id>", "reminder:<id>", "code:<request id>:<n>": the database refuses a second one.
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    gateway_ref: Mapped[str | None] = mapped_column(String(120))
    last_error: Mapped[str | None] = mapped_column(String(300))

    invitation: Mapped[Invitation] = relationship()


class SmsOptOut(db.Model):
    """A number that asked for no more messages, as its keyed hash: honoured for every later case too."""

    __tablename__ = "sms_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_lookup: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    via: Mapped[str] = mapped_column(String(16))  # "keyword" or "link"
