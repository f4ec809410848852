"""Data-subject requests (PDPL 91/2025/QH15, Decree 356/2025): a citizen's ask to see or erase a case's data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.base import utcnow

REQUEST_KINDS = ("access", "erasure")
# unverified -> new (verified) -> acknowledged -> completed | refused
REQUEST_STATUSES = ("unverified", "new", "acknowledged", "completed", "refused")


class DataRequest(db.Model):
    __tablename__ = "data_request"
    __table_args__ = (
        CheckConstraint("kind IN ('access', 'erasure')", name="kind_known"),
        CheckConstraint("status IN ('unverified', 'new', 'acknowledged', 'completed', 'refused')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null once the invitation itself is erased; the request's record stays for accountability.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="unverified", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The legal clock starts when the citizen is verified (the request is then "received").
    received_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    handled_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    # One-time code sent by SMS: derived from this salt at send time, only its hash kept.
    code_salt: Mapped[str | None] = mapped_column(String(32))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
