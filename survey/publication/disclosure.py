"""Disclosure control across published files, on top of the method's own small-count suppression.

The method hides counts of 1-4 and one more sibling per parent (METHODOLOGY §8). Two
more ways to recover a hidden count are closed here, where other snapshots are known:
- periods that overlap: a quarter is the sum of its months, so an agency hidden in any
  month of a quarter is hidden in the quarter too (months are published first);
- group totals: a snapshot's totals cover only the agencies it shows (see ``build``).
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ranking.disclosure import secondary_suppression
from ranking.periods import Period, period_containing
from survey.models import Agency, SnapshotEntry
from survey.publication.snapshots import latest_snapshot


def hidden_in_overlapping_periods(session: Session, period: Period, peer_group: str) -> set[str]:
    """Codes of agencies hidden in a published month of ``period`` (a quarter); empty for a month."""
    if period.kind != "quarter":
        return set()
    hidden: set[str] = set()
    first = period_containing(period.start, "month")
    for month in (first, first.next(), first.next().next()):
        snapshot = latest_snapshot(session, month.key, peer_group)
        if snapshot is not None:
            hidden |= set(
                session.scalars(
                    select(SnapshotEntry.agency_code).where(
                        SnapshotEntry.snapshot_id == snapshot.id, SnapshotEntry.suppressed.is_(True)
                    )
                )
            )
    return hidden


def protected_mask(
    session: Session,
    period: Period,
    peer_group: str,
    agencies: list[Agency],
    answered: np.ndarray,
    parent_keys: np.ndarray,
    suppressed: np.ndarray,
) -> np.ndarray:
    """The method's suppression plus agencies hidden in overlapping periods, re-closed by sibling."""
    overlapping = hidden_in_overlapping_periods(session, period, peer_group)
    forced = np.array([agency.code in overlapping for agency in agencies], dtype=bool)
    if not forced.any():
        return np.asarray(suppressed, dtype=bool)
    return secondary_suppression(answered, parent_keys, np.asarray(suppressed, dtype=bool) | forced)
