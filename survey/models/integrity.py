"""Integrity flags: detected patterns that hold responses out of publication until an auditor decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.agency import Agency
from survey.models.base import utcnow

# How a response counts: "counted" in publication, "held" for review, "voided" by an auditor.
INTEGRITY_STATUSES = ("counted", "held", "voided")
FLAG_STATUSES = ("held", "released", "voided")

flag_responses = Table(
    "integrity_flag_response",
    db.metadata,
    Column("flag_id", ForeignKey("integrity_flag.id", ondelete="CASCADE"), primary_key=True),
    Column("response_id", ForeignKey("response.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class IntegrityFlag(db.Model):
    """One detected pattern for one agency and period; re-running the checks updates it, never duplicates it.

    ``evidence`` holds aggregate figures only (counts, shares, thresholds): never a case,
    a token or a device hash, so the auditor's page cannot tie an answer to a citizen.
    """

    __tablename__ = "integrity_flag"
    __table_args__ = (UniqueConstraint("agency_id", "period", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(8), default="held")
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship()
