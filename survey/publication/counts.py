"""Counts for one period per agency (× service category), from tallies, never per answer.

The cost grows with agencies × services, not with the number of responses: answers are
read from ``answer_tally`` (survey/tallies.py), invitations and cases from ``case_tally``
(survey/case_tallies.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ranking.periods import Period, period_containing
from survey.models import Agency, AnswerTally, CaseTally, ImportedCount, Service

IMPORTED_CATEGORY = "(imported)"


@dataclass
class AgencyCounts:
    responses: int = 0
    positive: int = 0
    by_category: dict[str, list[int]] = field(default_factory=dict)  # category -> [n, x]
    invitations: int = 0
    cases: int = 0
    on_time: int = 0
    # Integrity (docs/integrity.md): answers kept out of the figures, and where the counted ones came from.
    held: int = 0
    voided: int = 0
    assisted: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    dissatisfied: int = 0  # counted answers at the bottom two levels: what the national index would see


def period_counts(session: Session, period: Period) -> dict[int, AgencyCounts]:
    """Every agency's counts for the period, from responses, invitations, cases and imports."""
    counts: dict[int, AgencyCounts] = defaultdict(AgencyCounts)

    # Answers are read from their tallies (survey/tallies.py, kept by triggers): a few rows
    # per agency and service for the period's months, however many answers there are. The
    # database adds the services of a category up: the method needs no finer cells, and it
    # is a third of the rows to carry into Python (issue 16).
    tallied = (
        select(
            AnswerTally.agency_id,
            Service.category,
            AnswerTally.integrity,
            AnswerTally.channel,
            func.sum(AnswerTally.responses),
            func.sum(AnswerTally.answered),
            func.sum(AnswerTally.satisfied),
            func.sum(AnswerTally.dissatisfied),
        )
        .join(Service, Service.id == AnswerTally.service_id)
        .where(AnswerTally.month.in_(period_months(period)))
        .group_by(AnswerTally.agency_id, Service.category, AnswerTally.integrity, AnswerTally.channel)
    )
    for agency_id, category, status, channel, number, answered, positive, low in session.execute(tallied):
        number, answered, positive, low = int(number or 0), int(answered or 0), int(positive or 0), int(low or 0)
        if not number:  # a tally whose answers all moved elsewhere (held, voided) since
            continue
        item = counts[agency_id]
        if status == "held":
            item.held += number
        elif status == "voided":
            item.voided += number
        elif channel == "assisted":  # staff-assisted answers are shown, never ranked
            item.assisted += number
        else:
            item.by_channel[channel] = item.by_channel.get(channel, 0) + number
            item.dissatisfied += low
            if answered:
                cell = item.by_category.setdefault(category, [0, 0])
                cell[0] += answered
                cell[1] += positive
                item.responses += answered
                item.positive += positive

    imported = select(
        ImportedCount.agency_id, ImportedCount.service_category, ImportedCount.responses, ImportedCount.positive
    ).where(ImportedCount.period == period.key)
    for agency_id, category, n, x in session.execute(imported):
        item = counts[agency_id]
        cell = item.by_category.setdefault(category or IMPORTED_CATEGORY, [0, 0])
        cell[0] += n
        cell[1] += x
        item.responses += n
        item.positive += x

    # Cases and invitations from their tallies (survey/case_tallies.py): one row per agency and month.
    cased = (
        select(CaseTally.agency_id, func.sum(CaseTally.issued), func.sum(CaseTally.cases), func.sum(CaseTally.on_time))
        .where(CaseTally.month.in_(period_months(period)))
        .group_by(CaseTally.agency_id)
    )
    for agency_id, issued, number, on_time in session.execute(cased):
        issued, number, on_time = int(issued or 0), int(number or 0), int(on_time or 0)
        if issued:
            counts[agency_id].invitations = issued
        if number:
            counts[agency_id].cases = number
            counts[agency_id].on_time = on_time
    return counts


def period_months(period: Period) -> list[str]:
    """The city months ("2026-10") a month or quarter covers: the keys of its tallies."""
    month, months = period_containing(period.start, "month"), []
    while month.start < period.end:
        months.append(month.key)
        month = month.next()
    return months


def peer_groups(session: Session) -> list[str]:
    return list(session.scalars(select(Agency.peer_group).where(Agency.active).distinct().order_by(Agency.peer_group)))


def group_agencies(session: Session, peer_group: str) -> list[Agency]:
    # Each entry records its parent's code: load parents with the group, not one by one.
    query = (
        select(Agency)
        .where(Agency.active, Agency.peer_group == peer_group)
        .order_by(Agency.code)
        .options(joinedload(Agency.parent))
    )
    return list(session.scalars(query))
