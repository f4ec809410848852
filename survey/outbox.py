"""The outbox: requests and jobs only add rows; ``deliver_pending`` sends them later.

Sending is pluggable: ``LogSender`` (the default, writes to the log) or ``SMTPSender``
when ``SMTP_URL`` / ``SURVEY_SMTP_URL`` is set (``smtp://user:pass@host:587?from=a@b``;
``smtps://`` for implicit TLS). Several deliverers may run at once on PostgreSQL: each
claims one row at a time with ``FOR UPDATE SKIP LOCKED``.

A message may hold a one-time link's placeholder (survey.auth.links): the link is made
while the message is sent and never written to this table, so nothing stored here (or in
a backup of it) opens an account. A message whose link cannot be made is deleted unsent.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app
from sqlalchemy import select

from survey.extensions import db
from survey.models import OutboxMessage, PasswordReset
from survey.models.base import to_naive_utc, utcnow

log = logging.getLogger(__name__)
ONE_TIME_LINK = re.compile(r"(/auth/reset/)[A-Za-z0-9_-]+")
MAX_ATTEMPTS = 5
DEFAULT_FROM = "no-reply@localhost"


@dataclass(frozen=True)
class Mail:
    """What a sender sends: a queued message with any one-time link filled in (never stored)."""

    id: int
    to: str
    subject: str
    body: str = field(repr=False)
    kind: str = ""


class Sender(Protocol):
    def send(self, message: Mail) -> None:
        """Deliver one message or raise."""


class LogSender:
    """Without SMTP the message goes to the log, its one-time link redacted (survey.logs):
    a log is no place for a credential. To follow links in development, use an SMTP catcher."""

    def send(self, message: Mail) -> None:
        log.info("outbox message to %s: %s\n%s", message.to, message.subject, redact_links(message.body))


def redact_links(text: str) -> str:
    """The text with one-time link tokens replaced (reset links carry 43-character tokens)."""
    return ONE_TIME_LINK.sub(r"\1[redacted]", text)


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

    def send(self, message: Mail) -> None:
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


def _prepare(message: OutboxMessage) -> tuple[Mail | None, PasswordReset | None]:
    """The mail to send, with a fresh one-time link if the message has a placeholder."""
    from survey.auth.links import LINK_PLACEHOLDER, issue_link

    mail = Mail(message.id, message.to, message.subject, message.body, message.kind)
    if LINK_PLACEHOLDER not in message.body:
        return mail, None
    issued = issue_link(message.to, message.kind)
    if issued is None:
        return None, None
    link, reset, user = issued
    body = message.body.replace(LINK_PLACEHOLDER, link)
    return Mail(message.id, user.email, message.subject, body, message.kind), reset


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
        mail, reset = _prepare(message)
        if mail is None:
            db.session.delete(message)  # an unknown address or a repeat request: nothing to send
            db.session.commit()
            continue
        try:
            sender.send(mail)
        except Exception as error:  # any transport failure: record it and move on
            message.last_error = f"{type(error).__name__}: {redact_links(str(error))}"[:500]
            if reset is not None:
                db.session.delete(reset)  # nobody received this link; a retry makes a new one
            report.failed += 1
            log.warning("outbox message %s failed (attempt %s): %s", message.id, message.attempts, message.last_error)
        else:
            message.sent_at = to_naive_utc(now) if now else utcnow()
            message.last_error = None
            report.sent += 1
        db.session.commit()
    return report
