"""Password reset by a one-time link: random token, stored hashed, valid one hour, used once.

Asking for a reset only queues a message (for any address typed), so the answer takes the
same time whether or not the account exists; survey.auth.links makes the link at send time.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from survey.audit import record
from survey.auth.links import LINK_PLACEHOLDER, SELF_SERVICE, VALID_FOR
from survey.auth.signin import actor
from survey.extensions import db
from survey.models import PasswordReset, User
from survey.models.base import utcnow
from survey.outbox import enqueue
from survey.passwords import hash_password
from survey.sessions import end_all_sessions
from survey.tokens import sha256_hex

RESET_VALID_FOR = VALID_FOR[SELF_SERVICE]
RESET_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}\Z")  # secrets.token_urlsafe(32)


def request_reset(email: str, locale: str) -> None:
    """Queue a reset e-mail for ``email``; whether it is sent is decided at delivery."""
    with force_locale(locale):
        subject = _("Reset your password")
        minutes = int(RESET_VALID_FOR.total_seconds() // 60)
        body = render_template("email/reset.txt.html", link=LINK_PLACEHOLDER, minutes=minutes)
    enqueue(email.strip().lower(), subject, body, kind=SELF_SERVICE)
    db.session.commit()


def _open(digest: str, now: datetime):
    return (
        PasswordReset.token_hash == digest,
        PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now,
        PasswordReset.user_id.in_(select(User.id).where(User.active)),
    )


def find_reset(token: str, now: datetime | None = None) -> PasswordReset | None:
    """The open reset for this token, or None if unknown, used, expired or of an inactive user."""
    if not RESET_TOKEN_SHAPE.match(token):
        return None
    return db.session.scalar(select(PasswordReset).where(*_open(sha256_hex(token), now or utcnow())))


def complete_reset(token: str, new_password: str, now: datetime | None = None) -> User | None:
    """Set the new password if the token is still open; None otherwise.

    The conditional UPDATE claims the token, so two submissions of one link cannot both
    succeed. Other open links of the user are closed and every session is ended
    (whoever knew the old password is logged off).
    """
    if not RESET_TOKEN_SHAPE.match(token):
        return None
    now = now or utcnow()
    digest = sha256_hex(token)
    claimed = db.session.execute(update(PasswordReset).where(*_open(digest, now)).values(used_at=now))
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
    before = user.session_version
    user.session_version = (user.session_version or 0) + 1
    end_all_sessions(user)
    record(
        actor(user), "auth.password_reset", f"user:{user.id}", {"session_version": before},
        {"session_version": user.session_version},
    )  # fmt: skip
    db.session.commit()
    return user
