"""Password reset by a one-time link: random token, stored hashed, valid one hour, used once."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from survey.audit import record
from survey.auth.signin import actor, find_user
from survey.extensions import db
from survey.models import PasswordReset, User
from survey.models.base import utcnow
from survey.notify.links import external_url
from survey.outbox import enqueue
from survey.passwords import hash_password
from survey.tokens import sha256_hex

RESET_VALID_FOR = timedelta(hours=1)
RESET_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def request_reset(email: str, locale: str, now: datetime | None = None) -> str | None:
    """Queue a reset e-mail if the address belongs to an active user; returns the token (for tests).

    The caller answers the same either way, so the page reveals nothing about accounts.
    """
    now = now or utcnow()
    user = find_user(email)
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=sha256_hex(token), expires_at=now + RESET_VALID_FOR))
    link = external_url("auth.reset_password", token=token)
    with force_locale(locale):
        subject = _("Reset your password")
        body = render_template("email/reset.txt.html", link=link, minutes=int(RESET_VALID_FOR.total_seconds() // 60))
    enqueue(user.email, subject, body, kind="password_reset")
    record(actor(user), "auth.reset_requested", f"user:{user.id}")
    db.session.commit()
    return token


def find_reset(token: str, now: datetime | None = None) -> PasswordReset | None:
    """The open reset for this token, or None if unknown, used or expired (all look alike)."""
    if not RESET_TOKEN_SHAPE.match(token):
        return None
    now = now or utcnow()
    return db.session.scalar(
        select(PasswordReset).where(
            PasswordReset.token_hash == sha256_hex(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
    )


def complete_reset(token: str, new_password: str, now: datetime | None = None) -> User | None:
    """Set the new password if the token is still open; None otherwise.

    The conditional UPDATE claims the token, so two submissions of one link cannot both
    succeed. Other open links of the user are closed, the lock-out is lifted and every
    existing session is signed out (whoever knew the old password is logged off).
    """
    if not RESET_TOKEN_SHAPE.match(token):
        return None
    now = now or utcnow()
    digest = sha256_hex(token)
    claimed = db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.token_hash == digest,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest))
    user = reset.user
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    before = user.session_version
    user.session_version = (user.session_version or 0) + 1
    record(
        actor(user), "auth.password_reset", f"user:{user.id}", {"session_version": before},
        {"session_version": user.session_version},
    )  # fmt: skip
    db.session.commit()
    return user
