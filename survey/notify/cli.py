"""``flask outbox …``: deliver queued messages, queue the weekly digest."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from survey.notify.messages import weekly_digest
from survey.outbox import deliver_pending


@click.group()
def outbox() -> None:
    """Notification outbox: deliver pending messages, queue digests."""


@outbox.command("deliver")
@click.option("--limit", default=100, show_default=True, help="Send at most this many messages.")
def deliver(limit: int) -> None:
    """Send unsent messages with the configured sender (log, or SMTP when SURVEY_SMTP_URL is set)."""
    report = deliver_pending(limit=limit)
    click.echo(f"Sent {report.sent}, failed {report.failed}.")


@outbox.command("digest")
def digest() -> None:
    """Queue this week's digest of comments for every manager and viewer (once per week)."""
    queued = weekly_digest(datetime.now(UTC))
    click.echo(f"Queued {queued} digest message(s).")
