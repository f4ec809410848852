"""How staff handle a citizen's comment: status, assignee, tags and an optional public reply.

Kept apart from ``response`` (1:1, created on first triage) so a response row stays
exactly what the citizen sent; a comment without a row here is simply "new".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.base import utcnow
from survey.models.credentials import User
from survey.models.response import Response

FEEDBACK_STATUSES = ("new", "acknowledged", "responded", "dismissed")


class Feedback(db.Model):
    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'acknowledged', 'responded', 'dismissed')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Normalised, comma-separated lower-case tags ("queue,fees").
    tags: Mapped[str] = mapped_column(String(300), default="")
    reply: Mapped[str | None] = mapped_column(Text)
    # Shown on the agency's public page only when the manager chooses (and only the reply).
    reply_public: Mapped[bool] = mapped_column(Boolean, default=False)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    response: Mapped[Response] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in (self.tags or "").split(",") if tag]
