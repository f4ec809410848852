"""The outbox: requests and jobs only add rows; ``deliver_pending`` sends them later.

Sending is pluggable: ``LogSender`` (the default, writes to the log) or ``SMTPSender``
when ``SMTP_URL`` / ``SURVEY_SMTP_URL`` is set (``smtp://user:pass@host:587?from=a@b``;
``smtps://`` for implicit TLS). Several deliverers may run at once on PostgreSQL: each
claims one row at a time with ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app
from sqlalchemy import select

from survey.extensions import db
from survey.models import OutboxMessage
from survey.models.base import to_naive_utc, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
DEFAULT_FROM = "no-reply@localhost"


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Deliver one message or raise."""


class LogSender:
    """Development default: the message goes to the application log (reset links included)."""

    def send(self, message: OutboxMessage) -> None:
        log.info("outbox message to %s: %s\n%s", message.to, message.subject, message.body)


@dataclass
class SMTPSender:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    starttls: bool = True
    from_address: str = DEFAULT_FROM
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> SMTPSender:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP URL must look like smtp://user:pass@host:587 or smtps://host:465")
        query = parse_qs(parts.query)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
            starttls=not implicit and query.get("starttls", ["1"])[0] not in ("0", "false", "no"),
            from_address=query.get("from", [DEFAULT_FROM])[0],
        )

    def send(self, message: OutboxMessage) -> None:
        email = EmailMessage()
        email["From"] = self.from_address
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        smtp_class = smtplib.SMTP_SSL if self.implicit_tls else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)


def smtp_url(app: Flask) -> str | None:
    return app.config.get("SMTP_URL") or None


def sender_for(app: Flask) -> Sender:
    url = smtp_url(app)
    return SMTPSender.from_url(url) if url else LogSender()


def enqueue(to: str, subject: str, body: str, kind: str, dedupe_key: str | None = None) -> OutboxMessage | None:
    """Add a message to the current transaction; None if ``dedupe_key`` was already queued."""
    if dedupe_key and db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    message = OutboxMessage(to=to, subject=subject[:300], body=body, kind=kind, dedupe_key=dedupe_key)
    db.session.add(message)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def _claim_next(skip: set[int]) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        query = query.where(OutboxMessage.id.not_in(skip))
    return db.session.scalar(query)


def deliver_pending(sender: Sender | None = None, *, limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Send up to ``limit`` unsent messages, committing after each so a crash resends nothing."""
    sender = sender or sender_for(current_app)
    report = DeliveryReport()
    tried: set[int] = set()  # a failure is retried on the next run, not in a tight loop
    while len(tried) < limit:
        message = _claim_next(tried)
        if message is None:
            break
        tried.add(message.id)
        message.attempts = (message.attempts or 0) + 1
        try:
            sender.send(message)
        except Exception as error:  # any transport failure: record it and move on
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            report.failed += 1
            log.warning("outbox message %s failed (attempt %s): %s", message.id, message.attempts, error)
        else:
            message.sent_at = to_naive_utc(now) if now else utcnow()
            message.last_error = None
            report.sent += 1
        db.session.commit()
    return report
