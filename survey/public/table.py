"""The league table as readers see it: query parameters, sorting, filtering and pages.

Works on the stored entries of one snapshot in memory (a peer group is a few hundred
agencies at most), so every sort order costs the same single query.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from werkzeug.exceptions import BadRequest, NotFound

from survey.models import SnapshotEntry
from survey.public.labels import BANDS

PER_PAGE = 50
SORTS = ("rank", "name", "observed", "score", "band", "responses", "on_time", "change")
DEFAULT_SORT = "score"
# The natural direction of each column: best first for figures, A to Z for names, worst band first.
NATURAL_ORDER = {
    "rank": "asc", "name": "asc", "observed": "desc", "score": "desc", "band": "asc", "responses": "desc",
    "on_time": "desc", "change": "desc",
}  # fmt: skip
# A table published with bands only (no ranks) opens sorted by band, best band first and by
# name within a band: ordering it by score would read as the ranking the method withheld.
BANDS_ONLY_SORT = ("band", "desc")
# Orders in which ranked agencies come first, under their own heading, then the unranked ones.
RANKED_FIRST = ("rank", "score")
MAX_SEARCH = 100
LOW_RESPONSE_RATE = 0.10


def fold(text: str) -> str:
    """Lower case without diacritics, so 'ben nghe' finds 'Bến Nghé'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class TableQuery:
    """Validated query parameters of a league table page."""

    sort: str = DEFAULT_SORT
    order: str = NATURAL_ORDER[DEFAULT_SORT]
    band: str | None = None
    parent: str | None = None
    q: str = ""
    page: int = 1
    default: tuple[str, str] = (DEFAULT_SORT, NATURAL_ORDER[DEFAULT_SORT])  # the table's opening order

    @classmethod
    def from_args(cls, args: Mapping[str, str], *, bands_only: bool = False) -> TableQuery:
        """Parse ``request.args``; a malformed value is the client's mistake, so 400 (never 500)."""
        default = BANDS_ONLY_SORT if bands_only else (DEFAULT_SORT, NATURAL_ORDER[DEFAULT_SORT])
        sort = args.get("sort") or default[0]
        if sort not in SORTS:
            raise BadRequest(f"unknown sort field {sort!r}")
        order = args.get("order") or (default[1] if sort == default[0] else NATURAL_ORDER[sort])
        if order not in ("asc", "desc"):
            raise BadRequest("order must be asc or desc")
        band = args.get("band") or None
        if band is not None and band not in BANDS:
            raise BadRequest(f"unknown band {band!r}")
        q = (args.get("q") or "").strip()
        if len(q) > MAX_SEARCH:
            raise BadRequest("search text too long")
        raw_page = args.get("page") or "1"
        if not raw_page.isascii() or not raw_page.isdigit() or len(raw_page) > 6 or int(raw_page) < 1:
            raise BadRequest("page must be a positive whole number")
        parent = (args.get("parent") or "").strip() or None
        if parent is not None and len(parent) > 64:
            raise BadRequest("parent code too long")
        return cls(sort=sort, order=order, band=band, parent=parent, q=q, page=int(raw_page), default=default)

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for a link to this table with ``changes``; defaults are left out."""
        target = replace(self, **changes)
        default_order = self.default[1] if target.sort == self.default[0] else NATURAL_ORDER[target.sort]
        values = {
            "sort": target.sort if target.sort != self.default[0] else None,
            "order": target.order if target.order != default_order else None,
            "band": target.band,
            "parent": target.parent,
            "q": target.q or None,
            "page": target.page if target.page != 1 else None,
        }
        return {k: v for k, v in values.items() if v is not None}

    def sort_link(self, column: str) -> dict[str, Any]:
        """Arguments to sort by ``column``: the other direction if already sorted by it."""
        flipped = "asc" if self.order == "desc" else "desc"
        order = flipped if column == self.sort else NATURAL_ORDER[column]
        return self.args(sort=column, order=order, page=1)

    def aria_sort(self, column: str) -> str | None:
        if column != self.sort:
            return None
        return "ascending" if self.order == "asc" else "descending"

    @property
    def filtered(self) -> bool:
        return bool(self.band or self.parent or self.q)


@dataclass
class TablePage:
    rows: list[SnapshotEntry]
    total: int  # after filtering
    page: int
    pages: int
    first: int  # 1-based position of the first row shown
    last: int
    unfiltered: int = 0
    parents: list[str] = field(default_factory=list)


def display_name(entry: SnapshotEntry, locale: str) -> str:
    return entry.agency_name_en if locale == "en" and entry.agency_name_en else entry.agency_name


def _band_position(entry: SnapshotEntry) -> int | None:
    band = entry.figures.get("band")
    return BANDS.index(band) if band in BANDS else None


def change_of(entry: SnapshotEntry) -> float | None:
    """The score's change since the previous period; None when withheld or without an earlier figure."""
    if entry.suppressed:
        return None
    return (entry.figures.get("movement") or {}).get("change")


def sort_key(sort: str, locale: str) -> Callable[[SnapshotEntry], Any]:
    """The value an entry sorts by; None sorts last whatever the direction."""
    figures: Callable[[str], Callable[[SnapshotEntry], Any]] = lambda key: lambda e: e.figures.get(key)  # noqa: E731
    keys: dict[str, Callable[[SnapshotEntry], Any]] = {
        "score": figures("score"),
        "observed": lambda e: None if e.suppressed else e.figures.get("rate"),
        "rank": lambda e: (
            None if e.figures.get("rank_low") is None else (e.figures["rank_low"], e.figures["rank_high"])
        ),
        "name": lambda e: fold(display_name(e, locale)),
        "responses": lambda e: e.responses,
        "band": _band_position,
        "on_time": lambda e: e.figures.get("on_time_rate"),
        "change": change_of,
    }
    return keys[sort]


def matches(entry: SnapshotEntry, query: TableQuery) -> bool:
    if query.band and entry.figures.get("band") != query.band:
        return False
    if query.parent and entry.parent_code != query.parent:
        return False
    if query.q:
        needle = fold(query.q)
        haystack = fold(" ".join((entry.agency_code, entry.agency_name, entry.agency_name_en or "")))
        return needle in haystack
    return True


def arrange(entries: list[SnapshotEntry], query: TableQuery, locale: str) -> list[SnapshotEntry]:
    """Filter and sort: rows without a value go last, ties broken by name."""
    chosen = [e for e in entries if matches(e, query)]
    by_name = sort_key("name", locale)
    chosen.sort(key=by_name)
    key = sort_key(query.sort, locale)
    present = [e for e in chosen if key(e) is not None]
    missing = [e for e in chosen if key(e) is None]
    present.sort(key=key, reverse=query.order == "desc")  # stable: equal values stay in name order
    arranged = present + missing
    if query.sort in RANKED_FIRST:  # an unranked small agency at 96% must not top the table
        arranged = [e for e in arranged if e.ranked] + [e for e in arranged if not e.ranked]
    return arranged


def paginate(entries: list[SnapshotEntry], query: TableQuery, locale: str) -> TablePage:
    """The page of rows asked for; a page past the end is a 404 (it does not exist)."""
    if query.parent and not any(e.parent_code == query.parent for e in entries):
        raise NotFound("no agency in this table has that parent")
    arranged = arrange(entries, query, locale)
    pages = max(1, math.ceil(len(arranged) / PER_PAGE))
    if query.page > pages:
        raise NotFound("no such page")
    start = (query.page - 1) * PER_PAGE
    rows = arranged[start : start + PER_PAGE]
    return TablePage(
        rows=rows,
        total=len(arranged),
        page=query.page,
        pages=pages,
        first=start + 1 if rows else 0,
        last=start + len(rows),
        unfiltered=len(entries),
        parents=sorted({e.parent_code for e in entries if e.parent_code}),
    )


def low_response_rate(entry: SnapshotEntry) -> bool:
    rate = entry.figures.get("response_rate")
    return rate is not None and rate < LOW_RESPONSE_RATE


def scale(entries: list[SnapshotEntry]) -> tuple[float, float]:
    """Common scale of the interval bars: from the lowest interval (rounded down to 10%) to 100%."""
    lows = [e.figures["score_low"] for e in entries if e.figures.get("score_low") is not None]
    if not lows:
        return 0.0, 1.0
    low = math.floor(min(lows) * 10) / 10
    return (min(low, 0.9), 1.0)
