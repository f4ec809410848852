"""The dashboard's numbers as plain functions: live (unpublished) figures, trend, drivers, services.

Live figures run the published method (``survey.publication.build.compute_table``)
on the current month's counts of the agency's whole peer group, so a manager sees
what the table would say today; they are provisional until the month is published.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from ranking.periods import Period, period_containing
from survey.extensions import db
from survey.models import Agency, Answer, Question, QuestionOption, Response, Service, Snapshot, SnapshotEntry
from survey.models.base import to_naive_utc
from survey.models.response import SIPAS_FACTORS
from survey.publication.build import compute_table, group_inputs
from survey.publication.counts import AgencyCounts, group_agencies, period_counts
from survey.publication.ledger import clean_number, seed_for
from survey.publication.service import method_params
from survey.publication.snapshots import final_series, latest_final_entry
from survey.vocabulary import FLAG_BANDS

# Drivers are the five SIPAS factors; each driver question names its factor, and each of
# its options says whether it is the positive answer (QuestionOption.positive).
DRIVER_KEYS = SIPAS_FACTORS
MIN_GROUP_FOR_IMPACT = 10  # answers needed on each side before comparing satisfied shares
MIN_SERVICE_ANSWERS = 10
TABLE_KEYS = (
    "rate",
    "rate_low",
    "rate_high",
    "score",
    "score_low",
    "score_high",
    "band",
    "rank",
    "rank_low",
    "rank_high",
)


@dataclass(frozen=True)
class LiveFigures:
    period: Period
    peer_group: str
    peers: int  # agencies in the peer group
    ranked_peers: int
    responses: int
    positive: int
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    score: float | None
    score_low: float | None
    score_high: float | None
    band: str | None
    rank: float | None
    rank_low: float | None
    rank_high: float | None
    ranked: bool
    peer_median: float | None
    cases: int
    on_time_rate: float | None
    invitations: int
    response_rate: float | None
    provisional: bool = True


@dataclass(frozen=True)
class LiveGroup:
    """One peer group's league table for a period, computed now and not stored."""

    period: Period
    peers: list[Agency]
    counts: dict[int, AgencyCounts]
    table: dict[str, Any] | None  # None while nobody in the group has answered

    def index_of(self, agency: Agency) -> int | None:
        return next((i for i, peer in enumerate(self.peers) if peer.id == agency.id), None)


def live_group(peer_group: str, now: datetime) -> LiveGroup:
    period = period_containing(now, "month")
    peers = group_agencies(db.session, peer_group)
    counts = period_counts(db.session, period)
    table = None
    if any(counts.get(p.id, AgencyCounts()).responses for p in peers):
        seed = seed_for(period.key, peer_group, 0)
        table = compute_table(group_inputs(peers, counts), method_params(), seed)
    return LiveGroup(period, peers, counts, table)


def live_figures(agency: Agency, now: datetime, group: LiveGroup | None = None) -> LiveFigures:
    """This month's figures for ``agency`` computed against its peer group, not yet published."""
    group = group or live_group(agency.peer_group, now)
    own = group.counts.get(agency.id, AgencyCounts())
    index = group.index_of(agency)
    figures: dict[str, Any] = dict(dict.fromkeys((*TABLE_KEYS, "peer_median")), ranked=False, ranked_peers=0)
    table = group.table
    if index is not None and table is not None:
        for key in TABLE_KEYS:
            value = table[key][index]
            figures[key] = (str(value) or None) if key == "band" else clean_number(value)
        figures["ranked"] = bool(table["ranked"][index])
        figures["ranked_peers"] = int(table["ranked"].sum())
        scores = [float(s) for s in table["score"] if math.isfinite(s)]
        figures["peer_median"] = statistics.median(scores) if scores else None
        if not figures["ranked"]:
            figures.update(rank=None, rank_low=None, rank_high=None)
    return LiveFigures(
        period=group.period,
        peer_group=agency.peer_group,
        peers=len(group.peers),
        responses=own.responses,
        positive=own.positive,
        cases=own.cases,
        on_time_rate=own.on_time / own.cases if own.cases else None,
        invitations=own.invitations,
        response_rate=min(own.responses / own.invitations, 1.0) if own.invitations else None,
        **figures,
    )


def subagency_figures(agency: Agency, now: datetime) -> list[tuple[Agency, LiveFigures]]:
    """Live figures of the agency's direct sub-agencies (a district's wards), one table per peer group."""
    children = sorted((c for c in agency.children if c.active), key=lambda c: c.code)
    groups: dict[str, LiveGroup] = {}
    found = []
    for child in children:
        if child.peer_group not in groups:
            groups[child.peer_group] = live_group(child.peer_group, now)
        found.append((child, live_figures(child, now, group=groups[child.peer_group])))
    return found


@dataclass(frozen=True)
class TrendPoint:
    period: str
    snapshot_id: int
    score: float | None
    score_low: float | None
    score_high: float | None
    band: str | None
    peer_median: float | None
    suppressed: bool
    rate: float | None = None  # observed share satisfied
    expected: float | None = None  # what the agency's mix of services predicts (METHODOLOGY.md)


def observed_and_expected(points: list[TrendPoint]) -> TrendPoint | None:
    """The latest published point that has both rates: the dashboard's one-sentence answer to "why"."""
    return next((p for p in reversed(points) if p.rate is not None and p.expected is not None), None)


def trend(agency: Agency, limit: int = 12) -> list[TrendPoint]:
    """The agency's published score per month next to the median score of its peer group."""
    snapshots = final_series(db.session, agency.peer_group, limit=limit)
    if not snapshots:
        return []
    entries = db.session.scalars(
        select(SnapshotEntry).where(SnapshotEntry.snapshot_id.in_([s.id for s in snapshots]))
    ).all()
    by_snapshot: dict[int, list[SnapshotEntry]] = defaultdict(list)
    for entry in entries:
        by_snapshot[entry.snapshot_id].append(entry)
    points = []
    for snapshot in snapshots:
        group = by_snapshot[snapshot.id]
        scores = [e.figures.get("score") for e in group if e.figures.get("score") is not None]
        mine = next((e for e in group if e.agency_id == agency.id or e.agency_code == agency.code), None)
        if mine is None:
            continue
        points.append(
            TrendPoint(
                period=snapshot.period,
                snapshot_id=snapshot.id,
                score=mine.figures.get("score"),
                score_low=mine.figures.get("score_low"),
                score_high=mine.figures.get("score_high"),
                band=mine.figures.get("band"),
                peer_median=statistics.median(scores) if scores else None,
                suppressed=bool(mine.suppressed),
                rate=mine.figures.get("rate"),
                expected=mine.figures.get("expected"),
            )
        )
    return points


@dataclass(frozen=True)
class DriverFigure:
    key: str
    answered: int
    positive_share: float | None
    # Overall-satisfied share among those positive / negative on this driver, and the gap.
    satisfied_if_positive: float | None
    satisfied_if_negative: float | None
    gap: float | None
    # Phi coefficient between "driver positive" and "overall satisfied" (-1..1).
    correlation: float | None


def _phi(n11: int, n10: int, n01: int, n00: int) -> float | None:
    """Correlation of two yes/no variables from their 2×2 counts (first index: driver positive)."""
    margins = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
    return (n11 * n00 - n10 * n01) / math.sqrt(margins) if margins else None


def driver_breakdown(agency_ids: Iterable[int], start: datetime, end: datetime) -> list[DriverFigure]:
    """Share of positive answers per SIPAS factor, and how strongly each moves overall satisfaction.

    A factor pools the answers to its questions (of every question-set version: each answer
    is read with its own version's options); answers whose option counts neither way ("not
    sure") are left out. Sorted by correlation with overall satisfaction, strongest first.
    """
    ids = list(agency_ids)
    satisfied = Response.satisfied
    rows = db.session.execute(
        select(Question.factor, QuestionOption.positive, satisfied, func.count(Answer.id))
        .join(Answer, Answer.question_id == Question.id)
        .join(
            QuestionOption,
            (QuestionOption.question_id == Answer.question_id) & (QuestionOption.value == Answer.value),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.agency_id.in_(ids),
            Response.submitted_at >= to_naive_utc(start),
            Response.submitted_at < to_naive_utc(end),
            Question.factor.in_(DRIVER_KEYS),
            QuestionOption.positive.is_not(None),
        )
        .group_by(Question.factor, QuestionOption.positive, satisfied)
    ).all()
    # cells[key][(driver_positive, overall_satisfied or None)] = count
    cells: dict[str, dict[tuple[int, int | None], int]] = defaultdict(lambda: defaultdict(int))
    for key, is_positive, is_satisfied, count in rows:
        cells[key][(int(is_positive), None if is_satisfied is None else int(is_satisfied))] += int(count)
    figures = []
    for key in DRIVER_KEYS:
        c = cells.get(key, {})
        answered = sum(c.values())
        positives = sum(v for (p, _), v in c.items() if p == 1)
        n11, n10, n01, n00 = c.get((1, 1), 0), c.get((1, 0), 0), c.get((0, 1), 0), c.get((0, 0), 0)
        if_pos = n11 / (n11 + n10) if n11 + n10 >= MIN_GROUP_FOR_IMPACT else None
        if_neg = n01 / (n01 + n00) if n01 + n00 >= MIN_GROUP_FOR_IMPACT else None
        enough = if_pos is not None and if_neg is not None
        figures.append(
            DriverFigure(
                key=key,
                answered=answered,
                positive_share=positives / answered if answered else None,
                satisfied_if_positive=if_pos,
                satisfied_if_negative=if_neg,
                gap=if_pos - if_neg if enough else None,
                correlation=_phi(n11, n10, n01, n00) if enough else None,
            )
        )
    return sorted(figures, key=lambda f: (f.correlation is None, -(f.correlation or 0.0)))


TREND_MONTHS = 6
MIN_TREND_ANSWERS = 10  # fewer answers in a month: the cell shows a dash, not a share


@dataclass(frozen=True)
class FactorTrend:
    key: str
    cells: list[tuple[int, int]]  # (positive, answered) per month, oldest first

    def share(self, index: int) -> float | None:
        positive, answered = self.cells[index]
        return positive / answered if answered >= MIN_TREND_ANSWERS else None


def factor_trend(
    agency_ids: Iterable[int], now: datetime, months: int = TREND_MONTHS
) -> tuple[list[Period], list[FactorTrend]]:
    """Positive share per SIPAS factor in each of the last ``months`` city months (the current one last).

    One query per month: months are city months, and their bounds are exact instants, so no
    database-specific date arithmetic is needed.
    """
    ids = list(agency_ids)
    periods = [period_containing(now, "month")]
    while len(periods) < months:
        periods.insert(0, periods[0].previous())
    cells: dict[str, list[tuple[int, int]]] = {key: [] for key in DRIVER_KEYS}
    for period in periods:
        rows = dict(
            (factor, (int(positive or 0), int(answered)))
            for factor, positive, answered in db.session.execute(
                select(
                    Question.factor,
                    func.sum(case((QuestionOption.positive.is_(True), 1), else_=0)),
                    func.count(Answer.id),
                )
                .join(Answer, Answer.question_id == Question.id)
                .join(
                    QuestionOption,
                    (QuestionOption.question_id == Answer.question_id) & (QuestionOption.value == Answer.value),
                )
                .join(Response, Response.id == Answer.response_id)
                .where(
                    Response.agency_id.in_(ids),
                    Response.submitted_at >= to_naive_utc(period.start),
                    Response.submitted_at < to_naive_utc(period.end),
                    Question.factor.in_(DRIVER_KEYS),
                    QuestionOption.positive.is_not(None),
                )
                .group_by(Question.factor)
            ).all()
        )
        for key in DRIVER_KEYS:
            cells[key].append(rows.get(key, (0, 0)))
    return periods, [FactorTrend(key, cells[key]) for key in DRIVER_KEYS]


@dataclass(frozen=True)
class ServiceFigure:
    service_id: int
    code: str
    name_vi: str
    name_en: str
    answered: int
    satisfied: int

    @property
    def share(self) -> float:
        return self.satisfied / self.answered

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi


def worst_services(
    agency_ids: Iterable[int],
    start: datetime,
    end: datetime,
    min_answers: int = MIN_SERVICE_ANSWERS,
    limit: int = 5,
) -> list[ServiceFigure]:
    """Services with the lowest share satisfied (at least ``min_answers`` answers, so noise is not shamed)."""
    answered = func.count(Response.overall)
    satisfied = func.sum(Response.satisfied)
    rows = db.session.execute(
        select(Service.id, Service.code, Service.name_vi, Service.name_en, answered, satisfied)
        .join(Response, Response.service_id == Service.id)
        .where(
            Response.agency_id.in_(list(agency_ids)),
            Response.submitted_at >= to_naive_utc(start),
            Response.submitted_at < to_naive_utc(end),
            Response.overall.is_not(None),
        )
        .group_by(Service.id, Service.code, Service.name_vi, Service.name_en)
        .having(answered >= min_answers)
    ).all()
    found = [ServiceFigure(r[0], r[1], r[2], r[3], int(r[4]), int(r[5] or 0)) for r in rows]
    return sorted(found, key=lambda s: (s.share, -s.answered, s.code))[:limit]


@dataclass(frozen=True)
class Flag:
    snapshot: Snapshot
    entry: SnapshotEntry
    band: str


def current_flag(agency: Agency) -> Flag | None:
    """A flag when the latest publication put the agency ``below`` or ``well_below`` its peers."""
    entry = latest_final_entry(db.session, agency.id)
    if entry is None:
        return None
    band = entry.figures.get("band")
    return Flag(entry.snapshot, entry, band) if band in FLAG_BANDS else None
