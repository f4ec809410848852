"""Improvement plans filed by an agency's managers, with dated progress notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.agency import Agency
from survey.models.base import utcnow
from survey.models.credentials import User
from survey.models.snapshot import Snapshot

PLAN_STATUSES = ("planned", "in_progress", "done", "dropped")


class ActionPlan(db.Model):
    __tablename__ = "action_plan"
    __table_args__ = (CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    # The publication that flagged the agency, if the plan answers one.
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshot.id"))
    what: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship()
    snapshot: Mapped[Snapshot | None] = relationship()
    created_by: Mapped[User | None] = relationship()
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
