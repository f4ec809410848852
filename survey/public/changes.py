"""The largest changes of one period, across peer groups: the "biggest improvers" view for reporters.

Only changes the method calls significant are listed, so a story can quote any line of it;
the others stay in each group's table, which links from here sorted by change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from survey.models import Snapshot, SnapshotEntry
from survey.public.table import change_of

SHOWN = 15


@dataclass(frozen=True)
class Change:
    entry: SnapshotEntry
    snapshot: Snapshot

    @property
    def change(self) -> float:
        return self.entry.figures["movement"]["change"]


@dataclass
class ChangesView:
    period: str
    snapshots: list[Snapshot]
    rises: list[Change] = field(default_factory=list)
    falls: list[Change] = field(default_factory=list)
    tested: int = 0  # agencies with enough answers in both periods for their change to be tested
    significant: int = 0


def largest_changes(period: str, snapshots: list[Snapshot], entries: list[SnapshotEntry]) -> ChangesView:
    """Significant rises (largest first) and falls (largest first) of every peer group in ``period``."""
    by_id = {s.id: s for s in snapshots}
    measured = [Change(e, by_id[e.snapshot_id]) for e in entries if change_of(e) is not None]
    tested = [c for c in measured if c.entry.figures["movement"].get("tested")]
    significant = [c for c in tested if c.entry.figures["movement"].get("significant")]
    rises = sorted((c for c in significant if c.change > 0), key=lambda c: -c.change)
    falls = sorted((c for c in significant if c.change < 0), key=lambda c: c.change)
    return ChangesView(
        period=period,
        snapshots=snapshots,
        rises=rises[:SHOWN],
        falls=falls[:SHOWN],
        tested=len(tested),
        significant=len(significant),
    )
