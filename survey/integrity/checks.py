"""The integrity checks: each finds a pattern per agency and month and says which answers it holds.

Thresholds are statistical (docs/integrity.md): an agency is compared with the pooled rate
of all agencies in the month (burst, straight-lining) or with its own earlier months
(jump, coverage), by an exact one-sided binomial or Poisson tail at ``ALPHA``; a minimum
count keeps tiny agencies from being flagged on one or two answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from scipy import stats
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from ranking.periods import Period
from survey.models import AnswerTally, CaseTally, Response
from survey.models.base import to_naive_utc
from survey.responses import QUICK_SECONDS

ALPHA = 1e-4  # one-sided tail per agency and check; ~170 agencies x 5 checks -> < 0.1 false alarm a month
BURST_SECONDS = QUICK_SECONDS  # an answer this soon after its link was issued is "quick" (decided at submission)
MIN_FLAGGED = 10  # answers a burst or straight-lining flag needs
DEVICE_MIN_LINKS = 5  # links of one agency answered from one device on one day
DEVICE_BATCH = 200  # (agency, device) groups per query for their answer ids (bound-parameter limits)
HISTORY_MONTHS = 6
MIN_HISTORY = 3  # earlier months with data needed before comparing against history
JUMP_MIN = 20
COVERAGE_MIN_CASES = 20
COVERAGE_DROP = 0.5  # coverage below half the agency's own usual ratio


@dataclass
class Finding:
    """One pattern at one agency: which answers it holds and the aggregate evidence shown to the auditor."""

    agency_id: int
    kind: str
    response_ids: set[int] = field(default_factory=set)
    evidence: dict = field(default_factory=dict)


def _window(period: Period) -> tuple[datetime, datetime]:
    return to_naive_utc(period.start), to_naive_utc(period.end)


def binomial_excess(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): how surprising k successes are at the pooled rate."""
    return float(stats.binom.sf(k - 1, n, min(max(p, 1e-6), 1 - 1e-6)))


def _month_keys(period: Period, history: int = 0) -> list[str]:
    """The tally months ("2026-10") of ``period`` and the ``history`` months before it, oldest first."""
    months = [period]
    for _ in range(history):
        months.insert(0, months[0].previous())
    return [month.key for month in months]


def check_burst(session: Session, period: Period) -> list[Finding]:
    """Many answers within minutes of their link being issued, more than the city's pooled share predicts."""
    # A response is not joined to its invitation; whether it came quickly was noted when it was stored.
    return _excess(session, period, AnswerTally.quick, Response.quick.is_(True), "burst", {"seconds": BURST_SECONDS})


def check_straight_line(session: Session, period: Period) -> list[Finding]:
    """Answers with every question at its most positive, more often than the city's pooled share predicts."""
    # Decided when each answer was stored (survey.integrity.straight_line): overall 5, at least
    # three answers, none at an option that is not positive.
    return _excess(session, period, AnswerTally.all_positive, Response.all_positive.is_(True), "straight_line", {})


def _excess(session: Session, period: Period, tallied, hit, kind: str, extra: dict) -> list[Finding]:
    """Agencies whose share of ``hit`` answers is improbably high against the other agencies' pooled share.

    Counts come from the answer tallies (``tallied`` counts ``hit``; a few rows per agency and
    month, kept by triggers); answer ids are read only for flagged agencies, by the index on
    (agency_id, submitted_at).
    """
    grouped = (
        select(AnswerTally.agency_id, func.sum(AnswerTally.responses), func.sum(tallied))
        .where(AnswerTally.month == period.key, AnswerTally.channel != "assisted")
        .group_by(AnswerTally.agency_id)
    )
    counts = {agency_id: (int(n or 0), int(k or 0)) for agency_id, n, k in session.execute(grouped)}
    n_all = sum(n for n, _ in counts.values())
    k_all = sum(k for _, k in counts.values())
    findings = []
    for agency_id, (n, k) in counts.items():
        if k < MIN_FLAGGED:
            continue
        # Pooled share of the *other* agencies, so one large cheat cannot raise its own baseline.
        pooled = (k_all - k + 1) / (n_all - n + 2)  # Laplace: never exactly 0 or 1
        p_value = binomial_excess(k, n, pooled)
        if p_value < ALPHA:
            evidence = {
                **extra,
                "answers": n,
                "flagged": k,
                "share": round(k / n, 4),
                "pooled_share": round(pooled, 4),
                "p_value": float(f"{p_value:.3g}"),
                "alpha": ALPHA,
            }
            findings.append(Finding(agency_id, kind, set(), evidence))
    if findings:
        start, end = _window(period)
        ids = select(Response.id, Response.agency_id).where(
            Response.agency_id.in_([f.agency_id for f in findings]),
            Response.submitted_at >= start,
            Response.submitted_at < end,
            Response.channel != "assisted",
            hit,
        )
        by_agency = {f.agency_id: f for f in findings}
        for response_id, agency_id in session.execute(ids):
            by_agency[agency_id].response_ids.add(response_id)
    return findings


def check_device(session: Session, period: Period) -> list[Finding]:
    """One device hash (it changes daily) answering ``DEVICE_MIN_LINKS`` or more links of one agency."""
    start, end = _window(period)
    in_window = (Response.submitted_at >= start, Response.submitted_at < end, Response.device_hash.is_not(None))
    # Counted in SQL, in the order of the partial index (agency, device, time) that holds only
    # the answers that still have a hash: a streaming GROUP BY, no row reaches Python.
    shared = session.execute(
        select(Response.agency_id, Response.device_hash)
        .where(*in_window)
        .group_by(Response.agency_id, Response.device_hash)
        .having(func.count() >= DEVICE_MIN_LINKS)
    ).all()
    groups: dict[tuple[int, str], set[int]] = defaultdict(set)
    for start_at in range(0, len(shared), DEVICE_BATCH):  # then the ids of those few groups, by the index
        batch = [tuple(group) for group in shared[start_at : start_at + DEVICE_BATCH]]
        rows = session.execute(
            select(Response.id, Response.agency_id, Response.device_hash).where(
                *in_window, tuple_(Response.agency_id, Response.device_hash).in_(batch)
            )
        )
        for response_id, agency_id, device in rows:
            groups[agency_id, device].add(response_id)
    by_agency: dict[int, Finding] = {}
    for (agency_id, _device), ids in sorted(groups.items()):
        finding = by_agency.setdefault(agency_id, Finding(agency_id, "device", evidence={"devices": 0}))
        finding.response_ids |= ids
        finding.evidence["devices"] += 1
        finding.evidence["largest"] = max(finding.evidence.get("largest", 0), len(ids))
    for finding in by_agency.values():
        finding.evidence.update(flagged=len(finding.response_ids), min_links=DEVICE_MIN_LINKS)
    return list(by_agency.values())


def _monthly_answers(session: Session, period: Period) -> dict[int, list[int]]:
    """Ranked-channel answers per agency for this month and the ``HISTORY_MONTHS`` before it, from the tallies."""
    keys = _month_keys(period, HISTORY_MONTHS)
    position = {key: index for index, key in enumerate(keys)}
    query = (
        select(AnswerTally.agency_id, AnswerTally.month, func.sum(AnswerTally.responses))
        .where(AnswerTally.month.in_(keys), AnswerTally.channel != "assisted")
        .group_by(AnswerTally.agency_id, AnswerTally.month)
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(keys))
    for agency_id, month, number in session.execute(query):
        counts[agency_id][position[month]] = int(number or 0)
    return counts


def check_jump(session: Session, period: Period) -> list[Finding]:
    """Answers far above the agency's own earlier months (Poisson tail against its median month)."""
    counts = _monthly_answers(session, period)
    findings = []
    for agency_id, series in counts.items():
        history, now = series[:-1], series[-1]
        months_with_data = [n for n in history if n]
        if len(months_with_data) < MIN_HISTORY or now < JUMP_MIN:
            continue
        # The median of the months with data: months before the agency started, and a partial
        # first month, would otherwise make any ordinary month look like a jump.
        usual = float(median(months_with_data))
        p_value = float(stats.poisson.sf(now - 1, max(usual, 1.0)))
        if p_value < ALPHA and now > 3 * max(usual, 1.0):
            evidence = {"answers": now, "usual": round(usual, 1), "p_value": float(f"{p_value:.3g}"), "alpha": ALPHA}
            findings.append(Finding(agency_id, "jump", evidence=evidence))
    return findings


def _monthly_cases(session: Session, period: Period) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Completed and invited cases per agency for this month and the ``HISTORY_MONTHS`` before it, from the tallies."""
    keys = _month_keys(period, HISTORY_MONTHS)
    position = {key: index for index, key in enumerate(keys)}
    query = select(CaseTally.agency_id, CaseTally.month, CaseTally.cases, CaseTally.invited).where(
        CaseTally.month.in_(keys)
    )
    cases: dict[int, list[int]] = {}
    invited: dict[int, list[int]] = {}
    for agency_id, month, number, with_invitation in session.execute(query):
        if number:  # a tally whose cases all moved elsewhere counts as no cases, as the scan saw it
            cases.setdefault(agency_id, [0] * len(keys))[position[month]] = int(number)
        if with_invitation:
            invited.setdefault(agency_id, [0] * len(keys))[position[month]] = int(with_invitation)
    return cases, invited


def check_coverage(session: Session, period: Period) -> list[Finding]:
    """Completed cases no longer invited: invitations ÷ cases far below the agency's own usual ratio."""
    cases, invited = _monthly_cases(session, period)
    findings = []
    for agency_id, series in cases.items():
        inv = invited.get(agency_id, [0] * len(series))
        past_cases, past_inv = sum(series[:-1]), sum(inv[:-1])
        n, k = series[-1], inv[-1]
        if n < COVERAGE_MIN_CASES or past_cases < COVERAGE_MIN_CASES:
            continue
        usual = past_inv / past_cases
        p_value = float(stats.binom.cdf(k, n, min(usual, 1 - 1e-6)))
        if k / n < COVERAGE_DROP * usual and p_value < ALPHA:
            evidence = {
                "cases": n,
                "invited": k,
                "coverage": round(k / n, 4),
                "usual": round(usual, 4),
                "p_value": float(f"{p_value:.3g}"),
                "alpha": ALPHA,
            }
            findings.append(Finding(agency_id, "coverage", evidence=evidence))
    return findings


CHECKS = (check_burst, check_device, check_straight_line, check_jump, check_coverage)


def find_patterns(session: Session, period: Period) -> list[Finding]:
    """Every check's findings for one month."""
    return [finding for check in CHECKS for finding in check(session, period)]
