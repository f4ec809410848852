"""Improvement plans filed by an agency's managers, reviewed by the parent agency, with dated progress notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, Date, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.agency import Agency, Service
from survey.models.base import utcnow
from survey.models.credentials import User
from survey.models.snapshot import Snapshot

PLAN_STATUSES = ("planned", "in_progress", "done", "dropped")
# A plan reaches the public site only once the parent agency's manager (or an admin) has read it.
REVIEW_STATES = ("under_review", "returned", "published")

# The services a plan sets out to improve.
plan_services = Table(
    "action_plan_service",
    db.metadata,
    Column("plan_id", ForeignKey("action_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id"), primary_key=True, index=True),
)


class ActionPlan(db.Model):
    __tablename__ = "action_plan"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="status_known"),
        CheckConstraint("review_state IN ('under_review', 'returned', 'published')", name="review_state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    # The publication that flagged the agency, if the plan answers one.
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshot.id"))
    what: Mapped[str] = mapped_column(Text)
    # The figure aimed at ("80% satisfied with birth registration") and how it will be measured.
    target: Mapped[str] = mapped_column(String(300), default="")
    measure: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    drivers: Mapped[list[str]] = mapped_column(JSON, default=list)  # survey driver keys the plan addresses
    review_state: Mapped[str] = mapped_column(String(16), default="under_review", index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship()
    snapshot: Mapped[Snapshot | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    services: Mapped[list[Service]] = relationship(secondary=plan_services, order_by="Service.code")
    updates: Mapped[list[ActionPlanUpdate]] = relationship(
        back_populates="plan", order_by="ActionPlanUpdate.created_at"
    )


class ActionPlanUpdate(db.Model):
    """A progress note; ``status`` is the plan's status as of this note."""

    __tablename__ = "action_plan_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    plan: Mapped[ActionPlan] = relationship(back_populates="updates")
    created_by: Mapped[User | None] = relationship()
