"""Checking credentials with throttling, without revealing which e-mails have accounts.

There is no account lock-out: five wrong passwords from anywhere used to lock any account,
so anyone could keep an administrator out. Failures are counted per (e-mail, client
address) pair instead, and after ``FREE_FAILURES`` each further attempt from that pair
must wait twice as long as the last (2 s, 4 s, … up to 15 minutes). The owner, signing in
from their own address, is never slowed by someone else's guesses; an attacker spraying
many accounts from one address meets the per-address rate limit (RATELIMIT_AUTH).
"""

from __future__ import annotations

import enum
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from survey.audit import record
from survey.extensions import db
from survey.models import SignInThrottle, User
from survey.models.base import utcnow
from survey.passwords import hash_password, needs_rehash, spend_verification_time, verify_password
from survey.sessions import end_all_sessions

FREE_FAILURES = 3
FIRST_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)  # a pair quiet this long starts again from nothing


class Outcome(enum.Enum):
    OK = "ok"
    FAILED = "failed"  # unknown e-mail, inactive account or wrong password
    THROTTLED = "throttled"  # too many recent failures from this address for this e-mail


@dataclass(frozen=True)
class SignInResult:
    outcome: Outcome
    user: User | None = None
    retry_after: int = 0  # seconds, when throttled

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def actor(user: User) -> str:
    """How a staff user is named in the audit log."""
    return user.email


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def back_off(failures: int) -> timedelta:
    """How long a pair waits after ``failures`` consecutive failures: doubling, capped."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    steps = min(failures - FREE_FAILURES, 20)  # 2 s * 2**20 is far past the cap already
    return min(FIRST_DELAY * 2**steps, MAX_DELAY)


def pair_hash(email: str, address: str) -> str:
    """A keyed hash of (e-mail, address): the table does not say who tried from where."""
    message = f"{email.strip().lower()}\x00{address}".encode()
    return hmac.new(current_app.secret_key.encode(), message, "sha256").hexdigest()


def _throttle_row(digest: str) -> SignInThrottle:
    row = db.session.scalar(select(SignInThrottle).where(SignInThrottle.pair_hash == digest))
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = SignInThrottle(pair_hash=digest, failures=0)
            db.session.add(row)
    except IntegrityError:  # a parallel attempt created it first
        row = db.session.scalar(select(SignInThrottle).where(SignInThrottle.pair_hash == digest))
    return row


def _count_failure(digest: str, now: datetime) -> None:
    row = _throttle_row(digest)
    # Increment in SQL so parallel guesses cannot overwrite each other's count.
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.id == row.id)
        .values(failures=SignInThrottle.failures + 1, updated_at=now)
    )
    db.session.refresh(row)
    delay = back_off(row.failures)
    row.blocked_until = now + delay if delay else None
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.updated_at < now - FORGET_AFTER))


def authenticate(email: str, password: str, address: str = "", now: datetime | None = None) -> SignInResult:
    """Check credentials from client ``address``; every path costs one Argon2 verification.

    So response time tells neither an unknown nor a throttled account from a wrong password.
    """
    now = now or utcnow()
    digest = pair_hash(email, address)
    throttle = db.session.scalar(select(SignInThrottle).where(SignInThrottle.pair_hash == digest))
    if throttle is not None and throttle.blocked_until is not None and throttle.blocked_until > now:
        spend_verification_time(password)
        wait = int((throttle.blocked_until - now).total_seconds()) + 1
        return SignInResult(Outcome.THROTTLED, retry_after=wait)
    user = find_user(email)
    if user is None or not user.active:
        spend_verification_time(password)
        _count_failure(digest, now)
        db.session.commit()
        return SignInResult(Outcome.FAILED)
    if not verify_password(user.password_hash, password):
        _count_failure(digest, now)
        record(actor(user), "auth.sign_in_failed", f"user:{user.id}")
        db.session.commit()
        return SignInResult(Outcome.FAILED, user)
    if throttle is not None:
        db.session.delete(throttle)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record(actor(user), "auth.sign_in", f"user:{user.id}")
    db.session.commit()
    return SignInResult(Outcome.OK, user)


def sign_out_everywhere(user: User) -> None:
    """End every session of ``user`` and count it in ``session_version`` (audited)."""
    before = user.session_version
    user.session_version = (user.session_version or 0) + 1
    end_all_sessions(user)
    record(
        actor(user), "auth.sign_out_everywhere", f"user:{user.id}", {"session_version": before},
        {"session_version": user.session_version},
    )  # fmt: skip
    db.session.commit()
