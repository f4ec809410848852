"""What the home and agency pages show, drawn from stored snapshot figures only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from survey.models import Snapshot, SnapshotEntry

DEFAULT_TARGET = 0.90  # the city's promise: 90% of citizens satisfied
MOVERS_SHOWN = 10
DRIVER_LABELS = {
    "ease": _l("Ease of the procedure"),
    "timeliness": _l("Time taken versus what was promised"),
    "courtesy": _l("Staff courtesy and helpfulness"),
    "fairness": _l("Fairness and transparency"),
    "outcome": _l("Outcome"),
    "visits": _l("Done in one visit"),
}


def satisfaction_target() -> float:
    return float(current_app.config.get("SATISFACTION_TARGET", DEFAULT_TARGET))


@dataclass
class Headline:
    """City-wide figures over the peer groups published for the most recent period."""

    period: str | None = None
    rate: float | None = None
    responses: int = 0
    on_time_rate: float | None = None
    response_rate: float | None = None
    agencies: int = 0
    target: float = DEFAULT_TARGET

    @property
    def gap(self) -> float | None:
        return None if self.rate is None else self.rate - self.target


@dataclass
class Flagged:
    entry: SnapshotEntry
    snapshot: Snapshot


@dataclass
class HomeView:
    snapshots: list[Snapshot]
    headline: Headline
    well_below: list[Flagged] = field(default_factory=list)
    movers: list[Flagged] = field(default_factory=list)


def headline(snapshots: list[Snapshot], target: float) -> Headline:
    """Totals across groups of the newest monthly period (or quarter if no month is published)."""
    if not snapshots:
        return Headline(target=target)
    newest = max(snapshots, key=lambda s: (s.period_kind == "month", s.period))
    same = [s for s in snapshots if s.period == newest.period]
    summaries = [s.summary or {} for s in same]
    responses = sum(s.get("responses") or 0 for s in summaries)
    positive = sum(s.get("positive") or 0 for s in summaries)
    invitations = sum(s.get("invitations") or 0 for s in summaries)
    cases = sum(s.get("cases") or 0 for s in summaries)
    # Each summary publishes its own on-time rate over its cases; weight them back to counts.
    on_time = sum((s.get("on_time_rate") or 0.0) * (s.get("cases") or 0) for s in summaries)
    return Headline(
        period=newest.period,
        rate=positive / responses if responses else None,
        responses=responses,
        on_time_rate=on_time / cases if cases else None,
        response_rate=min(responses / invitations, 1.0) if invitations else None,
        agencies=sum(s.get("agencies") or 0 for s in summaries),
        target=target,
    )


def home_view(snapshots: list[Snapshot], entries: list[SnapshotEntry], target: float) -> HomeView:
    by_id = {s.id: s for s in snapshots}
    well_below = [Flagged(e, by_id[e.snapshot_id]) for e in entries if e.figures.get("band") == "well_below"]
    well_below.sort(key=lambda f: (f.snapshot.peer_group, f.entry.figures.get("z") or 0.0))
    movers = [
        Flagged(e, by_id[e.snapshot_id])
        for e in entries
        if (e.figures.get("movement") or {}).get("significant") and not e.suppressed
    ]
    movers.sort(key=lambda f: -abs(f.entry.figures["movement"]["change"]))
    return HomeView(snapshots, headline(snapshots, target), well_below, movers[:MOVERS_SHOWN])


def drivers(*sources: dict[str, Any] | None) -> list[tuple[str, float]]:
    """Driver shares if a snapshot stored them (``{"ease": 0.81}`` or ``{"ease": {"share": 0.81}}``)."""
    for source in sources:
        found = (source or {}).get("drivers")
        if not isinstance(found, dict) or not found:
            continue
        rows = []
        for key, value in found.items():
            share = value.get("share", value.get("rate")) if isinstance(value, dict) else value
            if isinstance(share, (int, float)):
                rows.append((str(DRIVER_LABELS.get(key, key)), float(share)))
        if rows:
            return rows
    return []


@dataclass
class HistoryRow:
    entry: SnapshotEntry
    snapshot: Snapshot


def split_history(history: list[tuple[SnapshotEntry, Snapshot]]) -> tuple[list[HistoryRow], list[HistoryRow]]:
    """Monthly and quarterly rows, newest first."""
    months = [HistoryRow(e, s) for e, s in history if s.period_kind == "month"]
    quarters = [HistoryRow(e, s) for e, s in history if s.period_kind != "month"]
    return months, quarters


def trend(rows: list[HistoryRow], last: int = 12) -> list[tuple[float, float, float]]:
    """(score, low, high) of the last ``last`` scored months, oldest first, for the sparkline."""
    scored = [
        (r.entry.figures["score"], r.entry.figures["score_low"], r.entry.figures["score_high"])
        for r in rows
        if r.entry.figures.get("score") is not None and r.entry.figures.get("score_low") is not None
    ]
    return list(reversed(scored[:last]))
