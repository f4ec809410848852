"""One-time set-password links, made when the e-mail is sent and never stored readable.

A queued message holds ``LINK_PLACEHOLDER`` where the link goes. When the outbox sends
it, ``issue_link`` creates the token, stores only its SHA-256 (``password_reset``), and
the link exists in memory for the length of one send. A backup, a replica or the outbox
table therefore never holds a working link, sent or unsent. Issuing a link voids the
user's older open links. Self-service requests are queued for every address typed, known
or not, so the request itself does the same work either way; here an unknown or inactive
address, or a second request within ``RESEND_AFTER``, is dropped without e-mail.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from survey.audit import record
from survey.auth.signin import actor, find_user
from survey.extensions import db
from survey.models import PasswordReset, User
from survey.models.base import utcnow
from survey.notify.links import external_url
from survey.tokens import sha256_hex

LINK_PLACEHOLDER = "[[one-time link]]"
SELF_SERVICE = "password_reset"  # a reset asked for on the sign-in page
ISSUED = "password_link"  # a welcome or a reset issued by an administrator
VALID_FOR = {SELF_SERVICE: timedelta(hours=1), ISSUED: timedelta(hours=72)}
RESEND_AFTER = timedelta(minutes=5)


def void_open_links(user: User, now: datetime | None = None) -> None:
    """Close every unused link of ``user`` (a newer one, a reset by an admin, deactivation)."""
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now or utcnow())
    )


def _recently_sent(user: User, now: datetime) -> bool:
    query = select(PasswordReset.id).where(
        PasswordReset.user_id == user.id, PasswordReset.created_at > now - RESEND_AFTER
    )
    return db.session.scalar(query.limit(1)) is not None


def issue_link(to: str, kind: str, now: datetime | None = None) -> tuple[str, PasswordReset, User] | None:
    """A fresh link for the message's recipient, its stored (hashed) record and the account;
    None drops the message. The mail goes to the account's stored address, not the typed one."""
    now = now or utcnow()
    user = find_user(to)
    if user is None or not user.active:
        return None
    if kind == SELF_SERVICE and _recently_sent(user, now):
        return None  # one e-mail per few minutes, however often someone asks
    void_open_links(user, now)
    token = secrets.token_urlsafe(32)
    expires = now + VALID_FOR[kind]
    reset = PasswordReset(user_id=user.id, token_hash=sha256_hex(token), created_at=now, expires_at=expires)
    db.session.add(reset)
    if kind == SELF_SERVICE:
        record(actor(user), "auth.reset_requested", f"user:{user.id}")
    return external_url("auth.reset_password", token=token), reset, user
