"""Revocable staff sessions: the signed cookie names a server-side row that sign-out ends.

Flask-Login stores ``"<user id>:<random key>"``; only the SHA-256 of the key is kept in
``staff_session``. Signing out ends that row, so a copy of the cookie made earlier stops
working at once; a password reset, an administrator's reset or deactivation ends every
row of the user. Rows also expire after ``STAFF_SESSION_HOURS``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from survey.bounds import small_int
from survey.extensions import db
from survey.models import StaffSession, User
from survey.models.base import utcnow
from survey.tokens import sha256_hex

KEY_LENGTH = 43  # secrets.token_urlsafe(32)


def open_session(user: User) -> str:
    """Start a session for ``user`` (in the current transaction) and return the id for the cookie."""
    now = utcnow()
    hours = current_app.config.get("STAFF_SESSION_HOURS", 12)
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id, StaffSession.expires_at < now))
    key = secrets.token_urlsafe(32)
    db.session.add(StaffSession(user_id=user.id, key_hash=sha256_hex(key), expires_at=now + timedelta(hours=hours)))
    user.session_id = f"{user.id}:{key}"
    return user.session_id


def load_session(session_id: str) -> User | None:
    """The active user of an open, unexpired session; None for anything else."""
    user_part, _, key = session_id.partition(":")
    user_id = small_int(user_part)
    if user_id is None or len(key) != KEY_LENGTH:
        return None
    row = db.session.scalar(
        select(StaffSession).where(
            StaffSession.key_hash == sha256_hex(key),
            StaffSession.user_id == user_id,
            StaffSession.ended_at.is_(None),
            StaffSession.expires_at > utcnow(),
        )
    )
    user = db.session.get(User, user_id) if row is not None else None
    if user is None or not user.active:
        return None
    user.session_id = session_id
    return user


def end_session(session_id: str | None) -> None:
    """End one session (sign-out); the caller commits."""
    user_part, _, key = (session_id or "").partition(":")
    if small_int(user_part) is None or not key:
        return
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.key_hash == sha256_hex(key), StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_all_sessions(user: User) -> None:
    """End every session of ``user`` (reset, deactivation, sign out everywhere); the caller commits."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
