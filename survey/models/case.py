"""Completed cases registered by integrators, and their single-use survey invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.agency import Agency, Service
from survey.models.base import utcnow

CHANNELS = ("online", "counter", "post")


class Case(db.Model):
    __tablename__ = "case_record"  # "case" is an SQL keyword
    __table_args__ = (UniqueConstraint("agency_id", "case_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    # How the invitation was minted: "api_key", "upload" (admin page), "csv_import" (CLI) or "counter".
    source: Mapped[str] = mapped_column(String(16), default="api_key", server_default="api_key")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()
    service: Mapped[Service] = relationship()
    invitation: Mapped[Invitation | None] = relationship(back_populates="case", uselist=False)

    @property
    def on_time(self) -> bool:
        return self.completed_at <= self.due_at


class Invitation(db.Model):
    """One per case. The link token is never stored: only its SHA-256 and the salt it derives from."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), unique=True)
    token_salt: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Keyed hash of the short code printed on slips and SMS (survey.tokens.short_code_hash),
    # looked up by the public verification page; None for invitations made before codes.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    delivery_channel: Mapped[str] = mapped_column(String(16), default="link")
    # Set when an admin prints it on a counter sheet: the sheet lists only these.
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship(back_populates="invitation")
