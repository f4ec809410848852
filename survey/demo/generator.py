"""The demo city's generator: agencies, latent quality, months, cases and answers as arrays.

Every draw comes from one seeded ``numpy`` generator, in a fixed order, so the same seed
and the same ``now`` give the same city. Nothing here touches the database.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from ranking.periods import CITY_TZ
from survey.demo.behaviour import (
    CITY_SATISFACTION,
    COMMENT_SHARE,
    ENGLISH_SHARE,
    LATE_PENALTY,
    NEGATIVE_COMMENTS,
    NEGATIVE_PII_COMMENTS,
    NO_ANSWER_SHARE,
    PII_COMMENT_SHARE,
    POSITIVE_COMMENTS,
    POSITIVE_PII_COMMENTS,
    SEASON,
    SKIPPED_DRIVER_SHARE,
    WARD_MEDIAN_CASES,
    WORST_DEPARTMENT_CASES,
    WORST_WARD_CASES,
)
from survey.demo.data import (
    AREAS,
    CITY,
    DEPARTMENTS,
    WARD_SERVICE_MIX,
    WORST_DEPARTMENT_CODE,
    WORST_WARD_CODE,
    Area,
)
from survey.models.base import to_naive_utc
from survey.scrub import scrub_pii

# How a commune-level unit's name starts, its code's prefix, and the English word for it.
UNIT_PREFIXES = (("Phường ", "P", "Ward"), ("Xã ", "X", "Commune"), ("Đặc khu ", "DK", "Special Zone"))
INVITATION_DAYS = 30  # a survey link's lifetime; late answers are drawn inside it


@dataclass(frozen=True)
class AgencySpec:
    """One agency to create, before it has a database id."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    parent_code: str | None
    volume: float  # expected cases per full month
    services: dict[str, float]  # service code -> relative weight


@dataclass(frozen=True)
class Profile:
    """Latent behaviour of every agency, as arrays aligned with the agency list."""

    logit: np.ndarray  # log-odds of satisfied, before case mix and lateness
    trend: np.ndarray  # change of that log-odds per month (0 in the current month)
    late_rate: np.ndarray  # share of cases finished after the due date
    response_rate: np.ndarray  # share of invitations answered
    online_share: np.ndarray  # share of cases submitted online
    volume: np.ndarray  # expected cases per full month


@dataclass(frozen=True)
class Month:
    label: str  # "2026-05"
    index: int  # 0 = oldest; the current month has the highest index
    day_starts: np.ndarray  # naive-UTC midnight (city time) of every working day, datetime64[s]
    day_weights: np.ndarray  # relative traffic of those days (Saturdays are quieter)
    elapsed: float  # share of the month covered (1 except the current month)
    season: float


# --- Small helpers -----------------------------------------------------------------------


def _fold(name: str) -> str:
    """Vietnamese without diacritics ("Bình Hưng Hòa A" -> "Binh Hung Hoa A")."""
    name = name.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _slug(name: str) -> str:
    return "".join(ch for ch in _fold(name).upper() if ch.isalnum())


def _logit(p: float | np.ndarray) -> Any:
    return np.log(p) - np.log1p(-p)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# --- Agency specs ------------------------------------------------------------------------


def _unit_names(unit: str) -> tuple[str, str]:
    """(code, English name) of a commune-level unit named with its prefix ("Phường Sài Gòn")."""
    for prefix, code_prefix, english in UNIT_PREFIXES:
        if unit.startswith(prefix):
            bare = unit.removeprefix(prefix)
            return f"{code_prefix}-{_slug(bare)}", f"{_fold(bare)} {english}"
    raise ValueError(f"a unit's name starts with Phường, Xã or Đặc khu: {unit!r}")


def _area_specs(area: Area, parent_code: str, taken: set[str], rng: np.random.Generator) -> list[AgencySpec]:
    """An area's units, under its district when the province keeps one, else under the city.

    Names that differ only by diacritics (Xã Thạnh An, Xã Thanh An) fold to one code: the later
    unit gets a numbered code, so the order of ``AREAS`` decides and stays stable.
    """
    specs: list[AgencySpec] = []
    mix = {k: float(v) for k, v in WARD_SERVICE_MIX.items()}
    if area.district is not None:
        code, name_vi, name_en = area.district
        specs.append(AgencySpec(code, name_vi, name_en, "district", parent_code, 0.0, {}))
        parent_code = code
    for unit in area.units:
        code, name_en = _unit_names(unit)
        base, number = code, 1
        while code in taken:
            number += 1
            code = f"{base}-{number}"
        taken.add(code)
        volume = WARD_MEDIAN_CASES * area.size * float(rng.lognormal(0.0, 0.7))
        if code == WORST_WARD_CODE:
            volume = WORST_WARD_CASES
        specs.append(AgencySpec(code, unit, name_en, "ward", parent_code, volume, mix))
    return specs


def agency_specs(rng: np.random.Generator) -> list[AgencySpec]:
    """The city, its departments, then each area's commune-level units, with skewed monthly volumes."""
    city_code, city_vi, city_en = CITY
    specs = [AgencySpec(city_code, city_vi, city_en, "city", None, 0.0, {})]
    for code, name_vi, name_en, volume, services in DEPARTMENTS:
        volume *= float(rng.lognormal(0.0, 0.25))
        if code == WORST_DEPARTMENT_CODE:
            volume = WORST_DEPARTMENT_CASES
        specs.append(
            AgencySpec(
                code, name_vi, name_en, "department", city_code, volume, {k: float(v) for k, v in services.items()}
            )
        )
    taken: set[str] = set()
    for area in AREAS:
        specs.extend(_area_specs(area, city_code, taken, rng))
    codes = [spec.code for spec in specs]
    assert len(codes) == len(set(codes)), "agency codes must be unique"
    assert WORST_WARD_CODE in codes and WORST_DEPARTMENT_CODE in codes
    return specs


# --- Latent quality and volumes ----------------------------------------------------------


IMPROVER_TREND = 0.4  # log-odds per month


def latent_profile(specs: list[AgencySpec], rng: np.random.Generator) -> Profile:
    """Each agency's true satisfaction, lateness, response rate and size.

    Most agencies sit around the city's level; a few wards and departments are genuinely worse
    (about 0.6-0.7) or better (about 0.96); ``WORST_WARD_CODE`` is the worst ward of all and
    ``WORST_DEPARTMENT_CODE`` the worst department. Districts, where a province keeps them,
    hold no cases of their own here.
    """
    n = len(specs)
    kinds = np.array([spec.kind for spec in specs])
    logit = rng.normal(_logit(CITY_SATISFACTION), 0.3, n)
    logit = np.clip(logit, _logit(0.82), _logit(0.96))

    def pick(kind: str, count: int, taken: set[int]) -> list[int]:
        planted = (WORST_WARD_CODE, WORST_DEPARTMENT_CODE)
        pool = [i for i in np.flatnonzero(kinds == kind) if i not in taken and specs[i].code not in planted]
        chosen = [int(i) for i in rng.choice(pool, size=count, replace=False)]
        taken.update(chosen)
        return chosen

    taken: set[int] = set()
    worse = pick("ward", 6, taken) + pick("department", 1, taken)
    better = pick("ward", 6, taken) + pick("department", 1, taken)
    logit[worse] = _logit(rng.uniform(0.62, 0.72, len(worse)))
    logit[better] = _logit(rng.uniform(0.95, 0.975, len(better)))
    worst = next(i for i, spec in enumerate(specs) if spec.code == WORST_WARD_CODE)
    logit[worst] = _logit(0.5)
    worst_department = next(i for i, spec in enumerate(specs) if spec.code == WORST_DEPARTMENT_CODE)
    logit[worst_department] = _logit(0.5)

    late_rate = rng.uniform(0.01, 0.07, n)
    troubled = rng.random(n) < 0.15
    troubled[[worst, worst_department]] = True
    late_rate[troubled] = rng.uniform(0.2, 0.4, int(troubled.sum()))

    online_base = {"department": 0.55, "district": 0.35, "ward": 0.3}
    online = np.array([online_base.get(str(k), 0.3) for k in kinds]) * rng.uniform(0.6, 1.4, n)
    response_rate = rng.uniform(0.15, 0.6, n)
    response_rate[worst] = 0.45
    trend = rng.normal(0.0, 0.03, n)
    # The good department got there recently (a reorganised one-stop counter): it climbs from
    # about 0.7 to about 0.96 over the demo's months, so /changes has a real rise to show.
    # (Wards answer tens of times a month: too few for a change between periods to be tested.)
    trend[better[-1]] = IMPROVER_TREND
    return Profile(
        logit=logit,
        trend=trend,
        late_rate=late_rate,
        response_rate=response_rate,
        online_share=np.clip(online, 0.05, 0.9),
        volume=np.array([spec.volume for spec in specs]),
    )


def month_windows(now_utc: datetime, months: int, rng: np.random.Generator) -> list[Month]:
    """The ``months`` calendar months before the current one, and the current one to date (city time)."""
    now_local = now_utc.replace(tzinfo=UTC).astimezone(CITY_TZ)
    year, month = now_local.year, now_local.month
    firsts: list[date] = []
    for _ in range(months + 1):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    windows = []
    for index, first in enumerate(firsts):
        days_in_month = calendar.monthrange(first.year, first.month)[1]
        last_day = days_in_month if index < months else now_local.day
        days = [first.replace(day=d) for d in range(1, last_day + 1) if first.replace(day=d).weekday() < 6]
        starts = [to_naive_utc(datetime(d.year, d.month, d.day, tzinfo=CITY_TZ)) for d in days]
        weights = np.array([0.3 if d.weekday() == 5 else 1.0 for d in days])
        if index < months:
            elapsed = 1.0
        else:
            month_start = datetime(first.year, first.month, 1, tzinfo=CITY_TZ)
            elapsed = (now_local - month_start).total_seconds() / (days_in_month * 86400)
        season = SEASON.get(first.month, 1.0) * float(rng.lognormal(0.0, 0.05))
        windows.append(
            Month(
                label=f"{first:%Y-%m}",
                index=index,
                day_starts=np.array(starts, dtype="datetime64[s]"),
                day_weights=weights / weights.sum() if len(weights) else weights,
                elapsed=elapsed,
                season=season,
            )
        )
    return windows


def monthly_counts(profile: Profile, month: Month, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Cases completed per agency in one month: Poisson around a noisy, seasonal volume."""
    noise = rng.lognormal(0.0, 0.12, len(profile.volume))
    expected = profile.volume * noise * month.season * month.elapsed * scale
    return rng.poisson(expected)


# --- Cases and answers ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCases:
    """One month's generated cases as aligned arrays (sorted by agency, then completion)."""

    agency: np.ndarray
    service: np.ndarray
    received: np.ndarray
    due: np.ndarray
    completed: np.ndarray
    created: np.ndarray
    late: np.ndarray
    channel: np.ndarray
    seq: np.ndarray


def draw_cases(
    counts: np.ndarray,
    month: Month,
    mix: np.ndarray,
    committed: np.ndarray,
    late_factor: np.ndarray,
    profile: Profile,
    now: np.datetime64,
    rng: np.random.Generator,
) -> MonthCases:
    """Completed cases of one month: service, dates (some late), channel."""
    agency = np.repeat(np.arange(len(counts)), counts)
    n = len(agency)
    if n == 0 or len(month.day_starts) == 0:
        empty = np.array([], dtype=np.int64)
        stamps = np.array([], dtype="datetime64[s]")
        return MonthCases(empty, empty, stamps, stamps, stamps, stamps, empty.astype(bool), empty, empty)
    cumulative = np.cumsum(mix, axis=1)
    service = (rng.random(n)[:, None] * cumulative[agency, -1:] > cumulative[agency]).sum(axis=1)
    day = rng.choice(len(month.day_starts), size=n, p=month.day_weights)
    office_seconds = rng.uniform(7.5 * 3600, 17 * 3600, n).astype(np.int64)  # 07:30-17:00 city time
    completed = month.day_starts[day] + office_seconds.astype("timedelta64[s]")

    days = committed[service].astype(float)
    late = rng.random(n) < np.minimum(profile.late_rate[agency] * late_factor[service], 0.6)
    duration_days = np.where(late, days + rng.uniform(0.5, 12.0, n), np.maximum(days, 0.5) * rng.uniform(0.3, 1.0, n))
    received = completed - (duration_days * 86400).astype(np.int64).astype("timedelta64[s]")
    due = received + (days * 86400).astype(np.int64).astype("timedelta64[s]")
    created = completed + rng.integers(60, 3 * 3600, n).astype("timedelta64[s]")

    u = rng.random(n)
    online = profile.online_share[agency]
    channel = np.where(u < online, 0, np.where(u < online + 0.04, 2, 1))  # online, counter, post

    keep = created <= now
    order = np.lexsort((completed[keep], agency[keep]))
    agency = agency[keep][order]
    starts = np.searchsorted(agency, agency, side="left")
    seq = np.arange(len(agency)) - starts + 1
    return MonthCases(
        agency=agency,
        service=service[keep][order],
        received=received[keep][order],
        due=due[keep][order],
        completed=completed[keep][order],
        created=created[keep][order],
        late=late[keep][order],
        channel=channel[keep][order],
        seq=seq,
    )


@dataclass(frozen=True)
class MonthResponses:
    """Which cases were answered, when, and how (arrays aligned with the answered cases)."""

    case_pos: np.ndarray  # positions in MonthCases
    submitted: np.ndarray
    overall: np.ndarray  # 1-5, 0 = no answer
    drivers: dict[str, np.ndarray]  # key -> 1-5 (visits 1-3), 0 = skipped
    comment: list[str | None]
    english: np.ndarray


def _spread(level: np.ndarray, rng: np.random.Generator, p_same: float) -> np.ndarray:
    """A driver answer close to ``level``: the same with ``p_same``, else one step either way."""
    step = rng.choice([-1, 0, 1], size=len(level), p=[(1 - p_same) / 2, p_same, (1 - p_same) / 2])
    return np.clip(level + step, 1, 5)


def draw_responses(
    cases: MonthCases,
    month_offset: int,
    profile: Profile,
    shift: np.ndarray,
    now: np.datetime64,
    rng: np.random.Generator,
) -> MonthResponses:
    """Citizens' answers to this month's invitations, consistent with each agency's latent rate."""
    n = len(cases.agency)
    agency = cases.agency
    rate = profile.response_rate[agency] * np.where(cases.channel == 0, 1.2, 1.0)
    quick = rng.random(n) < 0.6
    delay_hours = np.where(quick, rng.exponential(4.0, n), rng.exponential(60.0, n))
    delay = (np.minimum(delay_hours, (INVITATION_DAYS - 0.5) * 24) * 3600).astype(np.int64)
    submitted = cases.created + delay.astype("timedelta64[s]")
    answered = (rng.random(n) < np.minimum(rate, 0.95)) & (submitted <= now)

    log_odds = (
        profile.logit[agency] + profile.trend[agency] * month_offset + shift[cases.service] - LATE_PENALTY * cases.late
    )
    satisfied = rng.random(n) < _expit(log_odds)
    level = np.where(satisfied, np.where(rng.random(n) < 0.55, 5, 4), rng.choice([3, 2, 1], size=n, p=[0.5, 0.3, 0.2]))
    overall = np.where(rng.random(n) < NO_ANSWER_SHARE, 0, level)

    drivers = {
        "ease": _spread(level, rng, 0.6),
        "timeliness": np.where(
            cases.late, rng.choice([1, 2, 3], size=n, p=[0.3, 0.4, 0.3]), _spread(np.maximum(level, 3), rng, 0.6)
        ),
        "courtesy": _spread(level, rng, 0.55),
        "fairness": _spread(level, rng, 0.6),
        "outcome": _spread(level, rng, 0.8),
    }
    smooth = satisfied & ~cases.late
    drivers["visits"] = np.where(
        smooth, rng.choice([1, 2, 3], size=n, p=[0.78, 0.17, 0.05]), rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2])
    )
    for key in drivers:
        drivers[key] = np.where(rng.random(n) < SKIPPED_DRIVER_SHARE, 0, drivers[key])

    has_comment = rng.random(n) < COMMENT_SHARE
    with_pii = rng.random(n) < PII_COMMENT_SHARE
    pick = rng.random(n)
    english = rng.random(n) < ENGLISH_SHARE

    pos = np.flatnonzero(answered)
    comments: list[str | None] = []
    for i in pos:
        if not has_comment[i]:
            comments.append(None)
            continue
        pool = (
            (POSITIVE_PII_COMMENTS if with_pii[i] else POSITIVE_COMMENTS)
            if satisfied[i]
            else (NEGATIVE_PII_COMMENTS if with_pii[i] else NEGATIVE_COMMENTS)
        )
        comments.append(scrub_pii(pool[int(pick[i] * len(pool))]) or None)
    return MonthResponses(
        case_pos=pos,
        submitted=submitted[pos],
        overall=overall[pos],
        drivers={key: values[pos] for key, values in drivers.items()},
        comment=comments,
        english=english[pos],
    )
