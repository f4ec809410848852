"""``flask outbox …``: deliver queued messages, queue the weekly digest."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app

from survey.delivery.queue import deliver_sms
from survey.notify.messages import weekly_digest
from survey.outbox import deliver_pending


@click.group()
def outbox() -> None:
    """Notification outbox: deliver pending messages, queue digests."""


@outbox.command("deliver")
@click.option("--limit", default=100, show_default=True, help="Send at most this many messages.")
def deliver(limit: int) -> None:
    """Send unsent e-mail (log, or SMTP with SURVEY_SMTP_URL), then SMS (with SURVEY_SMS_GATEWAY_URL)."""
    report = deliver_pending(limit=limit)
    click.echo(f"Sent {report.sent}, failed {report.failed}.")
    if current_app.config.get("SMS_GATEWAY_URL"):
        sms = deliver_sms(limit=limit)
        click.echo(
            f"SMS: sent {sms.sent}, retrying {sms.retried}, failed {sms.failed}, "
            f"cancelled {sms.cancelled}, held for quiet hours {sms.held}."
        )


@outbox.command("digest")
def digest() -> None:
    """Queue this week's digest of comments for every manager and viewer (once per week)."""
    queued = weekly_digest(datetime.now(UTC))
    click.echo(f"Queued {queued} digest message(s).")
