"""Staff notifications written to the outbox: publications (flagged agencies first), weekly digest.

Recipients are the active managers and viewers whose subtree contains the agency (the city's
staff hear about every ward). Publications gather into one unsent message per person; the
weekly digest has a dedupe key per (week, user), so running a job twice queues it once.
Each message is written in the language its reader last signed in with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from ranking.periods import CITY_TZ
from survey.extensions import db
from survey.models import Feedback, OutboxMessage, Response, Snapshot, SnapshotEntry, StaffNotice, User
from survey.models.agency import subtrees as agency_subtrees
from survey.models.base import as_utc, to_naive_utc
from survey.notify.links import external_url
from survey.outbox import enqueue
from survey.public.formatting import pct, period_label
from survey.public.labels import peer_group_name
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


def reader_locale(user: User) -> str:
    """The language the person last signed in with, else the city's default."""
    return user.locale if user.locale in current_app.config["LANGUAGES"] else _default_locale()


@dataclass
class Section:
    """One publication as one reader sees it: their agencies' entries, the flagged among them."""

    snapshot: Snapshot
    entries: list[SnapshotEntry]
    flagged: list[SnapshotEntry]


def _sections(user: User, snapshots: list[Snapshot], subtrees: dict[int, set[int]]) -> list[Section]:
    mine = subtrees.get(user.agency_id, set())
    sections = []
    for snapshot in sorted(snapshots, key=lambda s: (s.period, s.peer_group, s.id)):
        entries = sorted((e for e in snapshot.entries if e.agency_id in mine), key=lambda e: e.position)
        if entries:
            flagged = [e for e in entries if e.figures.get("band") in FLAG_BANDS]
            sections.append(Section(snapshot, entries, flagged))
    return sections


def _render(user: User, sections: list[Section]) -> tuple[str, str, str]:
    """(subject, body, kind) of one person's message about these publications, in their language."""
    flagged = [(section, entry) for section in sections for entry in section.flagged]
    periods = sorted({section.snapshot.period for section in sections})
    with force_locale(reader_locale(user)):
        if flagged:
            when = ", ".join(period_label(p) for p in sorted({section.snapshot.period for section, _e in flagged}))
            subject = _("Worse than peers in %(period)s: please file an action plan", period=when)
        elif len(periods) == 1:
            subject = _("New publication: %(period)s", period=period_label(periods[0]))
        else:
            subject = ngettext("%(num)d new publication", "%(num)d new publications", len(sections))
        body = render_template(
            "email/publication.txt.html",
            sections=sections,
            flagged=flagged,
            dashboard=external_url("manage.dashboard"),
            band_labels=BAND_LABELS,
            group_name=peer_group_name,
            pct=pct,  # "55,5%" in Vietnamese, "55.5%" in English: numbers in the reader's locale
            period_label=period_label,
            plan_link=lambda agency_id: external_url("manage.new_plan", agency=agency_id),
        )
    return subject, body, "flagged" if flagged else "publication"


def notify_publication(snapshot: Snapshot) -> int:
    """Tell each manager and viewer whose agencies appear in ``snapshot``; returns how many were told.

    Publications gather per person: while the person's last notice is unsent, a new publication
    is added to it (one digest for a catch-up run of many months) instead of a new e-mail. Each
    (publication, person) is told once, however often this runs. Call after publishing.
    """
    subtrees = agency_subtrees()
    told = set(db.session.scalars(select(StaffNotice.user_id).where(StaffNotice.snapshot_id == snapshot.id)))
    queued = 0
    for user in _staff():
        if user.id in told or not _sections(user, [snapshot], subtrees):
            continue
        pending = db.session.scalar(
            select(OutboxMessage)
            .join(StaffNotice, StaffNotice.message_id == OutboxMessage.id)
            .where(StaffNotice.user_id == user.id, OutboxMessage.sent_at.is_(None), OutboxMessage.attempts == 0)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        earlier = []
        if pending is not None:
            ids = select(StaffNotice.snapshot_id).where(StaffNotice.message_id == pending.id)
            earlier = list(db.session.scalars(select(Snapshot).where(Snapshot.id.in_(ids))))
        subject, body, kind = _render(user, _sections(user, [*earlier, snapshot], subtrees))
        if pending is None:
            pending = enqueue(user.email, subject, body, kind)
            db.session.flush()
        else:
            pending.subject, pending.body, pending.kind = subject[:300], body, kind
        db.session.add(StaffNotice(snapshot_id=snapshot.id, user_id=user.id, message_id=pending.id))
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
    for user in _staff():
        mine = subtrees.get(user.agency_id, set())
        new_count = sum(received.get(a, 0) for a in mine)
        open_count = sum(waiting.get(a, 0) for a in mine)
        if not new_count and not open_count:
            continue
        with force_locale(reader_locale(user)):
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
