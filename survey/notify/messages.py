"""Staff notifications written to the outbox: new publication, flagged agency, weekly digest.

Recipients are the active managers and viewers whose subtree contains the agency (a
district's staff hear about its wards). A dedupe key per (event, user) means running
a job twice, or on two hosts, queues each message once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from ranking.periods import CITY_TZ
from survey.extensions import db
from survey.models import Feedback, Response, Snapshot, User
from survey.models.agency import subtrees as agency_subtrees
from survey.models.base import as_utc, to_naive_utc
from survey.notify.links import external_url
from survey.outbox import enqueue
from survey.public.formatting import pct, period_label
from survey.vocabulary import BAND_LABELS, FLAG_BANDS

STAFF_NOTIFIED = ("manager", "viewer")


def _staff() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(STAFF_NOTIFIED), User.agency_id.is_not(None))
            .order_by(User.id)
        )
    )


def _default_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def notify_publication(snapshot: Snapshot) -> int:
    """Queue one message per staff user whose agencies appear in ``snapshot``; returns how many.

    A user with an agency flagged ``below``/``well_below`` gets a "flagged" message asking
    for an action plan; others get a "new publication" notice. Call after publishing.
    """
    subtrees = agency_subtrees()
    by_agency = {e.agency_id: e for e in snapshot.entries if e.agency_id is not None}
    queued = 0
    with force_locale(_default_locale()):
        for user in _staff():
            entries = sorted(
                (by_agency[a] for a in subtrees.get(user.agency_id, set()) if a in by_agency),
                key=lambda e: e.position,
            )
            if not entries:
                continue
            flagged = [e for e in entries if e.figures.get("band") in FLAG_BANDS]
            kind = "flagged" if flagged else "publication"
            if flagged:
                subject = _("Worse than peers in %(period)s: please file an action plan", period=snapshot.period)
            else:
                subject = _("New publication: %(period)s", period=snapshot.period)
            body = render_template(
                "email/publication.txt.html",
                snapshot=snapshot,
                entries=entries,
                flagged=flagged,
                dashboard=external_url("manage.dashboard"),
                band_labels=BAND_LABELS,
                pct=pct,  # "55,5%" in Vietnamese: numbers in the reader's locale
                period_label=period_label,
                plan_links={e.agency_id: external_url("manage.new_plan", agency=e.agency_id) for e in flagged},
            )
            if enqueue(user.email, subject, body, kind, dedupe_key=f"snapshot:{snapshot.id}:user:{user.id}"):
                queued += 1
    db.session.commit()
    return queued


def _comment_counts(since: datetime, until: datetime) -> tuple[dict[int, int], dict[int, int]]:
    """Per agency: comments received in [since, until), and comments still new (unhandled)."""
    has_comment = (Response.comment.is_not(None), Response.comment != "")
    received = dict(
        db.session.execute(
            select(Response.agency_id, func.count(Response.id))
            .where(*has_comment, Response.submitted_at >= since, Response.submitted_at < until)
            .group_by(Response.agency_id)
        ).all()
    )
    waiting = dict(
        db.session.execute(
            select(Response.agency_id, func.count(Response.id))
            .outerjoin(Feedback, Feedback.response_id == Response.id)
            .where(*has_comment, Response.submitted_at < until, func.coalesce(Feedback.status, "new") == "new")
            .group_by(Response.agency_id)
        ).all()
    )
    return received, waiting


def weekly_digest(now: datetime) -> int:
    """Queue this week's digest of comments for each staff user with something to read.

    ``now`` is timezone-aware; the digest covers the seven days before it and is keyed by
    the ISO week in the city, so a second run in the same week adds nothing.
    """
    until = to_naive_utc(now)
    since = until - timedelta(days=7)
    year, week, _weekday = as_utc(until).astimezone(CITY_TZ).isocalendar()
    received, waiting = _comment_counts(since, until)
    subtrees = agency_subtrees()
    queued = 0
    with force_locale(_default_locale()):
        for user in _staff():
            mine = subtrees.get(user.agency_id, set())
            new_count = sum(received.get(a, 0) for a in mine)
            open_count = sum(waiting.get(a, 0) for a in mine)
            if not new_count and not open_count:
                continue
            body = render_template(
                "email/digest.txt.html",
                new_count=new_count,
                open_count=open_count,
                inbox=external_url("manage.inbox"),
                new_inbox=external_url("manage.inbox", status="new"),
            )
            subject = ngettext("Weekly digest: %(num)d new comment", "Weekly digest: %(num)d new comments", new_count)
            key = f"digest:{year}-W{week:02d}:user:{user.id}"
            if enqueue(user.email, subject, body, "digest", dedupe_key=key):
                queued += 1
    db.session.commit()
    return queued
