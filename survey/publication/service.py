"""Publishing a period: the one entry point that the CLI, the admin page and the scheduler call.

``publish`` runs lock → build → store → audit for each peer group, then notifies the
staff concerned; ``catch_up`` publishes every ended period that has data but no snapshot.
Every caller names its actor the same way (an e-mail for a person, ``cli``, ``scheduler``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select

from ranking.periods import Period, parse_period, period_containing, periods_between
from survey.extensions import db
from survey.integrity.review import run_checks
from survey.models import Response, Snapshot
from survey.models.base import as_utc
from survey.publication.counts import AgencyCounts, peer_groups
from survey.publication.methods import MethodParams, current_params
from survey.publication.store import PublishResult, publish_group

log = logging.getLogger(__name__)
LOOKBACK_MONTHS = 24


class PublicationError(Exception):
    """A publication that must not happen (period not over, nothing to publish)."""


def method_params() -> MethodParams:
    """The current method with this deployment's settings (``SURVEY_RANK_MIN_RESPONSES``)."""
    return current_params(min_rank_n=int(current_app.config["RANK_MIN_RESPONSES"]))


def publish(
    period: Period | str,
    *,
    actor: str,
    provisional: bool = False,
    correction: str | None = None,
    now: datetime | None = None,
    groups: list[str] | None = None,
    render_charts: bool = True,
    notify: bool = True,
) -> list[PublishResult]:
    """Publish every peer group's snapshot for ``period``; already-published groups are skipped.

    Each new snapshot commits with its audit entry; staff are then notified, and a failed
    notification is logged without undoing the publication.
    """
    # Imported here: the notifier formats numbers with survey.public, whose package imports
    # its routes, which read publication; importing it at the top would close that cycle.
    from survey.notify.messages import notify_publication

    period = parse_period(period) if isinstance(period, str) else period
    now = now or datetime.now(UTC)
    if not provisional and not period.has_ended(now):
        raise PublicationError(f"period {period.key} has not ended; use --provisional to publish it early")
    params = method_params()
    session = db.session
    run_checks(session, period, now=now)  # hold what the checks find before anything is counted
    results = []
    shared_counts: dict[str, dict[int, AgencyCounts]] = {}  # one aggregation for all peer groups
    for group in groups or peer_groups(session):
        result = publish_group(
            session,
            period,
            group,
            actor=actor,
            now=now,
            params=params,
            provisional=provisional,
            correction=correction,
            render_charts=render_charts,
            shared_counts=shared_counts,
        )
        results.append(result)
        if result.created and notify:
            try:
                notify_publication(session.get(Snapshot, result.snapshot_id))
            except Exception:
                session.rollback()
                log.exception("notifying staff failed for snapshot %s", result.snapshot_id)
    return results


def due_periods(now: datetime, first_data: datetime | None, *, lookback_months: int = LOOKBACK_MONTHS) -> list[Period]:
    """Ended months and quarters from the first data (at most ``lookback_months`` back) to now."""
    if first_data is None:
        return []
    current_month = period_containing(now, "month")
    earliest = current_month
    for _ in range(lookback_months):
        earliest = earliest.previous()
    first_month = max(period_containing(first_data, "month"), earliest, key=lambda p: p.start)
    months = [p for p in periods_between(first_month, current_month) if p.has_ended(now)]
    first_quarter = period_containing(first_month.start, "quarter")
    quarters = [p for p in periods_between(first_quarter, period_containing(now, "quarter")) if p.has_ended(now)]
    return months + quarters


def catch_up(
    now: datetime | None = None,
    *,
    actor: str,
    progress: Callable[[PublishResult], None] = lambda r: None,
) -> list[PublishResult]:
    """Publish every ended period that has data but no snapshot yet (missed runs included)."""
    now = now or datetime.now(UTC)
    first = db.session.scalar(select(func.min(Response.submitted_at)))
    results = []
    for period in due_periods(now, as_utc(first) if first else None):
        for result in publish(period, actor=actor, now=now):
            progress(result)
            results.append(result)
    return results
