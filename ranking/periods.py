"""Reporting periods: calendar months and quarters in the city's time zone.

METHODOLOGY §2: a response counts in the period in which it was submitted, with
period boundaries at local midnight in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

PeriodKind = Literal["month", "quarter"]

_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER_RE = re.compile(r"([0-9]{4})-[Qq]([0-9])")
# The last period must still have a representable (exclusive) end.
_MAX_YEAR = 9998
# Years a period typed by a person or sent in a request may name: anything else is a typo or
# a probe, and far years overflow date arithmetic (previous(), UTC conversion) downstream.
PARSE_YEARS = range(2000, 2101)


@dataclass(frozen=True)
class Period:
    """A calendar month ("2026-10") or quarter ("2026-Q3"); end is exclusive."""

    key: str
    kind: PeriodKind
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return self.key

    def previous(self) -> Period:
        """The period of the same kind immediately before this one."""
        return _shift(self, -1)

    def next(self) -> Period:
        """The period of the same kind immediately after this one."""
        return _shift(self, 1)

    def has_ended(self, now: datetime) -> bool:
        """True once `now` (tz-aware) is at or after the exclusive end."""
        return _require_aware(now) >= self.end

    def contains(self, moment: datetime) -> bool:
        """True if the tz-aware `moment` falls within [start, end)."""
        return self.start <= _require_aware(moment) < self.end


def _require_aware(moment: datetime) -> datetime:
    # A naive datetime has no defined instant; refusing it avoids off-by-7-hours bugs.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment


def _make(kind: PeriodKind, year: int, number: int) -> Period:
    """Build a period from its year and month (1-12) or quarter (1-4) number."""
    if not 1 <= year <= _MAX_YEAR:
        raise ValueError(f"year must be between 1 and {_MAX_YEAR}, got {year}")
    first_month = number if kind == "month" else 3 * (number - 1) + 1
    months = 1 if kind == "month" else 3
    end_year, end_month0 = divmod(year * 12 + first_month - 1 + months, 12)
    key = f"{year:04d}-{number:02d}" if kind == "month" else f"{year:04d}-Q{number}"
    return Period(
        key=key,
        kind=kind,
        start=datetime(year, first_month, 1, tzinfo=CITY_TZ),
        end=datetime(end_year, end_month0 + 1, 1, tzinfo=CITY_TZ),
    )


def _parts(period: Period) -> tuple[int, int]:
    year = period.start.year
    if period.kind == "month":
        return year, period.start.month
    return year, (period.start.month - 1) // 3 + 1


def _per_year(kind: PeriodKind) -> int:
    return 12 if kind == "month" else 4


def _index(period: Period) -> int:
    """Consecutive integer numbering of periods of one kind."""
    year, number = _parts(period)
    return year * _per_year(period.kind) + number - 1


def _shift(period: Period, steps: int) -> Period:
    new_year, new_number0 = divmod(_index(period) + steps, _per_year(period.kind))
    return _make(period.kind, new_year, new_number0 + 1)


def parse_period(text: str) -> Period:
    """Parse "YYYY-MM" (month) or "YYYY-Qn" (quarter) of a year 2000-2100; raise ValueError otherwise."""
    cleaned = text.strip() if isinstance(text, str) else ""
    match = _MONTH_RE.fullmatch(cleaned) or _QUARTER_RE.fullmatch(cleaned)
    if match and int(match[1]) not in PARSE_YEARS:
        raise ValueError(f"invalid period {text!r}: year must be {PARSE_YEARS.start}-{PARSE_YEARS.stop - 1}")
    if match := _MONTH_RE.fullmatch(cleaned):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"invalid period {text!r}: month must be 01-12")
        return _make("month", year, month)
    if match := _QUARTER_RE.fullmatch(cleaned):
        year, quarter = int(match[1]), int(match[2])
        if not 1 <= quarter <= 4:
            raise ValueError(f"invalid period {text!r}: quarter must be Q1-Q4")
        return _make("quarter", year, quarter)
    raise ValueError(f"invalid period {text!r}: expected a month like '2026-10' or a quarter like '2026-Q3'")


def period_containing(moment: datetime, kind: PeriodKind) -> Period:
    """The month or quarter (city time) in which the tz-aware `moment` falls."""
    if kind not in ("month", "quarter"):
        raise ValueError(f"kind must be 'month' or 'quarter', got {kind!r}")
    local = _require_aware(moment).astimezone(CITY_TZ)
    number = local.month if kind == "month" else (local.month - 1) // 3 + 1
    return _make(kind, local.year, number)


def periods_between(first: Period, last: Period) -> list[Period]:
    """All periods from `first` to `last` inclusive (empty if last is before first)."""
    if first.kind != last.kind:
        raise ValueError(f"cannot mix period kinds: {first.kind} and {last.kind}")
    steps = _index(last) - _index(first)
    return [_shift(first, k) for k in range(steps + 1)]
