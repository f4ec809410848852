"""Who may act: staff users (admin, manager, viewer) and integrators' API keys."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.agency import Agency
from survey.models.base import utcnow

ROLES = ("admin", "auditor", "manager", "viewer")

api_key_agencies = Table(
    "api_key_agency",
    db.metadata,
    Column("api_key_id", ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)


class ApiKey(db.Model):
    """An integrating system's key. Only the SHA-256 of the key is stored; ``prefix`` identifies it."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    agencies: Mapped[list[Agency]] = relationship(secondary=api_key_agencies)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped whenever every session ends at once (sign out everywhere, password reset):
    # an audit-visible count; the sessions themselves end in survey.sessions.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    # The language the person last signed in with: e-mails to them use it (None: the default).
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship()
    # Set by survey.sessions when a session is opened or loaded; what Flask-Login stores.
    session_id = None  # str while signed in; not a column

    def get_id(self) -> str | None:
        return self.session_id

    @property
    def is_active(self) -> bool:
        return self.active
