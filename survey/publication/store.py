"""Storing snapshots: one publisher at a time, one peer group per transaction, nothing partial.

Exactly one publisher runs at a time (PostgreSQL advisory lock; SQLite's write lock), a
unique (period, peer group, revision) constraint is the last line of defence, and each
peer group's snapshot, entries and audit entry commit together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from ranking.periods import Period
from survey.audit import record
from survey.models import Snapshot, SnapshotEntry
from survey.publication.build import build_snapshot
from survey.publication.counts import AgencyCounts, group_agencies, period_counts
from survey.publication.methods import MethodParams
from survey.publication.snapshots import latest_snapshot

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x5355_5256  # "SURV": one publisher across every process and host


@dataclass(frozen=True)
class PublishResult:
    period: str
    peer_group: str
    snapshot_id: int | None
    created: bool
    reason: str = ""


def acquire_publication_lock(session: Session) -> None:
    """Serialise publishers until this transaction ends (commit or rollback releases it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    else:
        # SQLite has one writer at a time: a write statement (even one touching no row)
        # takes the database's RESERVED lock, which other writers wait on until we commit.
        session.execute(text("DELETE FROM snapshot WHERE 1 = 0"))


def publish_group(
    session: Session,
    period: Period,
    peer_group: str,
    *,
    actor: str,
    now: datetime,
    params: MethodParams,
    provisional: bool = False,
    correction: str | None = None,
    render_charts: bool = True,
    shared_counts: dict[str, dict[int, AgencyCounts]] | None = None,
) -> PublishResult:
    """Publish one peer group. ``shared_counts`` lets the groups of one run aggregate the period once."""
    shared_counts = {} if shared_counts is None else shared_counts
    session.rollback()  # start a fresh transaction so the lock covers every read below
    acquire_publication_lock(session)
    try:
        existing = latest_snapshot(session, period.key, peer_group)
        if existing is not None and not existing.provisional and correction is None:
            session.rollback()
            return PublishResult(period.key, peer_group, existing.id, False, "already published")
        agencies = group_agencies(session, peer_group)
        if "counts" not in shared_counts:  # computed under the lock, by the first group that needs it
            shared_counts["counts"] = period_counts(session, period)
        counts = shared_counts["counts"]
        if not any(counts.get(a.id, AgencyCounts()).responses for a in agencies):
            session.rollback()
            return PublishResult(period.key, peer_group, None, False, "no responses in this period")
        revision = existing.revision + 1 if existing else 1
        snapshot = build_snapshot(
            session,
            period,
            peer_group,
            agencies,
            counts,
            params,
            revision=revision,
            provisional=provisional,
            supersedes=existing,
            correction=correction,
            now=now,
            render_charts=render_charts,
        )
        insert_snapshot(session, snapshot)
        record(
            actor,
            "snapshot.publish",
            f"snapshot:{snapshot.id}",
            None,
            {
                "period": period.key,
                "peer_group": peer_group,
                "revision": revision,
                "provisional": provisional,
                "correction": correction,
                "method_version": params.version,
            },
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    log.info("published %s %s revision %s (%s)", period.key, peer_group, revision, snapshot.content_hash[:12])
    return PublishResult(period.key, peer_group, snapshot.id, True)


def insert_snapshot(session: Session, snapshot: Snapshot) -> None:
    """Write the snapshot, then its entries in one executemany.

    Through the unit of work, 5,000 entries cost two seconds: it needs each new id back, so
    it sends a few huge multi-row INSERT … RETURNING statements that the driver must parse.
    Nothing reads an entry's id here; after the commit ``snapshot.entries`` loads from the
    database as usual. Same transaction, so a failure still leaves nothing behind.
    """
    entries = list(snapshot.entries)
    snapshot.entries = []
    session.add(snapshot)
    session.flush()
    columns = [c.key for c in sa_inspect(SnapshotEntry).column_attrs if c.key != "id"]
    rows = [{key: getattr(entry, key) for key in columns} | {"snapshot_id": snapshot.id} for entry in entries]
    if rows:
        session.execute(insert(SnapshotEntry), rows)
    session.expire(snapshot, ["entries"])
