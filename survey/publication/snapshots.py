"""Reading published snapshots: every "which snapshot is current?" question is answered here.

A correction is a new revision of (period, peer group), so "current" means the highest
revision; "latest" for an agency means the period that ends last, a month winning a tie.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ranking.periods import parse_period
from survey.models import Snapshot, SnapshotEntry


def latest_snapshot(session: Session, period: str, peer_group: str) -> Snapshot | None:
    """The current revision of (period, peer group), provisional or not."""
    return session.scalar(
        select(Snapshot)
        .where(Snapshot.period == period, Snapshot.peer_group == peer_group)
        .order_by(Snapshot.revision.desc())
        .limit(1)
    )


def chain_head(session: Session) -> Snapshot | None:
    """The last snapshot written: the next one chains its hash to this one."""
    return session.scalar(select(Snapshot).order_by(Snapshot.id.desc()).limit(1))


def current_for_period(session: Session, period: str) -> list[Snapshot]:
    """The current revision of every peer group published for ``period``, by peer group."""
    groups = session.scalars(select(Snapshot.peer_group).where(Snapshot.period == period).distinct())
    found = (latest_snapshot(session, period, group) for group in sorted(groups))
    return [snapshot for snapshot in found if snapshot is not None]


def _newest_revisions(session: Session, peer_group: str, *criteria) -> list[Snapshot]:
    """The current (highest) revision of each period of a group that meets ``criteria``."""
    newest = (
        select(Snapshot.period, func.max(Snapshot.revision).label("revision"))
        .where(Snapshot.peer_group == peer_group, *criteria)
        .group_by(Snapshot.period)
        .subquery()
    )
    return list(
        session.scalars(
            select(Snapshot)
            .join(newest, (Snapshot.period == newest.c.period) & (Snapshot.revision == newest.c.revision))
            .where(Snapshot.peer_group == peer_group)
        )
    )


def final_series(session: Session, peer_group: str, kind: str = "month", limit: int = 12) -> list[Snapshot]:
    """The current revision of the latest ``limit`` final (non-provisional) periods of a group, oldest first."""
    found = _newest_revisions(session, peer_group, Snapshot.period_kind == kind, Snapshot.provisional.is_(False))
    return sorted(found, key=lambda s: s.period)[-limit:]


def latest_final_entry(session: Session, agency_id: int) -> SnapshotEntry | None:
    """The agency's row in the final snapshot covering the most recent period.

    A quarter published after a month can describe older data (Q3 ends before October
    does), so "latest" is by the period's end, a month winning a tie, then revision.
    """
    recent = session.execute(
        select(SnapshotEntry, Snapshot.period, Snapshot.period_kind, Snapshot.revision)
        .join(Snapshot, Snapshot.id == SnapshotEntry.snapshot_id)
        .where(SnapshotEntry.agency_id == agency_id, Snapshot.provisional.is_(False))
        .order_by(Snapshot.id.desc())
        .limit(12)
    ).all()
    if not recent:
        return None
    best = max(recent, key=lambda row: (parse_period(row[1]).end, row[2] == "month", row[3]))
    return best[0]


def current_series(session: Session, peer_group: str) -> list[Snapshot]:
    """The current revision of every published period of a group: months, then quarters, oldest first."""
    return sorted(_newest_revisions(session, peer_group), key=lambda s: (s.period_kind != "month", s.period))
