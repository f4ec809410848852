"""Server-side records of staff sessions and of failed sign-ins, so both can be ended or slowed.

A signed cookie alone cannot be taken back: a copy made before "Sign out" would keep
working until it expires. Each sign-in therefore gets a row here; the cookie carries a
random key whose SHA-256 is stored, and a session is valid only while its row is open.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db
from survey.models.base import utcnow


class StaffSession(db.Model):
    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInThrottle(db.Model):
    """Failed sign-ins for one (e-mail, client address) pair; only a hash of the pair is kept."""

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
