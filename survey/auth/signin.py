"""Checking credentials with lock-out, without revealing which e-mails have accounts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from survey.audit import record
from survey.extensions import db
from survey.models import User
from survey.models.base import utcnow
from survey.passwords import hash_password, needs_rehash, spend_verification_time, verify_password

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class Outcome(enum.Enum):
    OK = "ok"
    FAILED = "failed"  # unknown e-mail, inactive account or wrong password
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: Outcome
    user: User | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def actor(user: User) -> str:
    """How a staff user is named in the audit log."""
    return user.email


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def authenticate(email: str, password: str, now: datetime | None = None) -> SignInResult:
    """Check credentials; count failures and lock the account for 15 minutes after five.

    Every path does one Argon2 verification, so response time does not tell an
    unknown or locked account from a wrong password.
    """
    now = now or utcnow()
    user = find_user(email)
    if user is None or not user.active:
        spend_verification_time(password)
        return SignInResult(Outcome.FAILED)
    if is_locked(user, now):
        spend_verification_time(password)
        return SignInResult(Outcome.LOCKED, user)
    if not verify_password(user.password_hash, password):
        return _count_failure(user, now)
    before = {"failed_logins": user.failed_logins}
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record(actor(user), "auth.sign_in", f"user:{user.id}", before=before, after={"failed_logins": 0})
    db.session.commit()
    return SignInResult(Outcome.OK, user)


def _count_failure(user: User, now: datetime) -> SignInResult:
    # Increment in SQL so parallel guesses cannot overwrite each other's count.
    db.session.execute(
        update(User).where(User.id == user.id).values(failed_logins=func.coalesce(User.failed_logins, 0) + 1)
    )
    db.session.refresh(user)
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
        record(
            actor(user),
            "auth.lockout",
            f"user:{user.id}",
            after={"locked_until": user.locked_until.isoformat() + "Z", "failures": MAX_FAILURES},
        )
        db.session.commit()
        return SignInResult(Outcome.LOCKED, user)
    record(actor(user), "auth.sign_in_failed", f"user:{user.id}", after={"failed_logins": user.failed_logins})
    db.session.commit()
    return SignInResult(Outcome.FAILED, user)


def sign_out_everywhere(user: User) -> None:
    """Invalidate every session of ``user``: session ids carry the version (see accounts.py)."""
    before = user.session_version
    user.session_version = (user.session_version or 0) + 1
    record(
        actor(user), "auth.sign_out_everywhere", f"user:{user.id}", {"session_version": before},
        {"session_version": user.session_version},
    )  # fmt: skip
    db.session.commit()
