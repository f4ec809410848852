"""Published, immutable league tables and aggregate counts imported from elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.agency import Agency
from survey.models.base import utcnow


class Snapshot(db.Model):
    """One publication of (period, peer group). Rows are written once and never updated.

    ``revision`` starts at 1; a correction is revision 2, naming the one it supersedes.
    The unique constraint is what makes a racing second publisher fail.
    """

    __tablename__ = "snapshot"
    __table_args__ = (UniqueConstraint("period", "peer_group", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    period_kind: Mapped[str] = mapped_column(String(8))
    peer_group: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    method_version: Mapped[str] = mapped_column(String(16))
    parameters: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seed: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("snapshot.id"))
    funnel_svg: Mapped[str | None] = mapped_column(Text)
    caterpillar_svg: Mapped[str | None] = mapped_column(Text)

    entries: Mapped[list[SnapshotEntry]] = relationship(back_populates="snapshot", order_by="SnapshotEntry.position")


class SnapshotEntry(db.Model):
    """One agency's published figures; names are frozen as they were at publication."""

    __tablename__ = "snapshot_entry"
    __table_args__ = (UniqueConstraint("snapshot_id", "agency_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshot.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(64))
    agency_name: Mapped[str] = mapped_column(String(200))
    agency_name_en: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(64))
    suppressed: Mapped[bool] = mapped_column(Boolean)
    ranked: Mapped[bool] = mapped_column(Boolean)
    responses: Mapped[int | None] = mapped_column(Integer)
    positive: Mapped[int | None] = mapped_column(Integer)
    invitations: Mapped[int | None] = mapped_column(Integer)
    cases: Mapped[int | None] = mapped_column(Integer)
    on_time: Mapped[int | None] = mapped_column(Integer)
    figures: Mapped[dict] = mapped_column(JSON)

    snapshot: Mapped[Snapshot] = relationship(back_populates="entries")
    agency: Mapped[Agency | None] = relationship()


class ImportedCount(db.Model):
    """Aggregate counts from another survey programme, per agency, period and (optionally) service category.

    ``service_category`` is "" when the file gave none: those counts form a category of
    their own for case mix. Otherwise they join the survey's categories of the same name.
    """

    __tablename__ = "imported_count"
    __table_args__ = (UniqueConstraint("period", "agency_id", "service_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    responses: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)
    service_category: Mapped[str] = mapped_column(String(64), default="", server_default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(200), default="")

    agency: Mapped[Agency] = relationship()


__all__ = ["ImportedCount", "Snapshot", "SnapshotEntry"]
