"""The dashboard's comparisons with peers: per service, per channel, and which agencies below are flagged.

"Is birth registration bad everywhere, or only here?" is answered by setting the agency's share
satisfied with a service beside the share of the rest of its peer group, each with a 95% Wilson
interval; the same for the channel the case came in by (online, counter, post). A parent (the
city, or a district where a province keeps one) sees which agencies below it the publications
flag, and for how many months in a row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ranking.periods import parse_period
from ranking.stats import wilson_interval
from survey.extensions import db
from survey.models import Agency, Response, Service, Snapshot, SnapshotEntry
from survey.models.agency import subtree_ids
from survey.models.base import to_naive_utc
from survey.vocabulary import FLAG_BANDS

MIN_ANSWERS = 10  # fewer answers than this on the agency's side: too few to compare
CHANNELS = ("online", "counter", "post")


@dataclass(frozen=True)
class Share:
    """A share satisfied with its 95% interval (None when nobody answered)."""

    answered: int
    satisfied: int

    @property
    def value(self) -> float | None:
        return self.satisfied / self.answered if self.answered else None

    @property
    def interval(self) -> tuple[float | None, float | None]:
        if not self.answered:
            return None, None
        low, high = wilson_interval(self.satisfied, self.answered)
        return float(low), float(high)


@dataclass(frozen=True)
class Comparison:
    """The agency against the rest of its peer group on one service or channel."""

    key: str | int  # service id or channel code
    label_vi: str
    label_en: str
    code: str
    own: Share
    peers: Share

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" and self.label_en else self.label_vi

    @property
    def difference(self) -> float | None:
        if self.own.value is None or self.peers.value is None:
            return None
        return self.own.value - self.peers.value

    @property
    def clearly_worse(self) -> bool:
        """The two intervals do not overlap and the agency is below: a difference noise hardly explains."""
        own_high, peer_low = self.own.interval[1], self.peers.interval[0]
        return own_high is not None and peer_low is not None and own_high < peer_low


def _peer_ids(agency: Agency) -> list[int]:
    query = select(Agency.id).where(Agency.active, Agency.peer_group == agency.peer_group, Agency.id != agency.id)
    return list(db.session.scalars(query))


def _window(start: datetime, end: datetime) -> tuple:
    return (
        Response.submitted_at >= to_naive_utc(start),
        Response.submitted_at < to_naive_utc(end),
        Response.overall.is_not(None),
        Response.integrity == "counted",
    )


def _shares(column, agency: Agency, start: datetime, end: datetime, joins=()) -> dict:
    """{key: (own Share, peers' Share)} grouped by ``column`` (one query for the agency and its peers)."""
    peers = _peer_ids(agency)
    mine = Response.agency_id == agency.id
    query = select(column, mine.label("mine"), func.count(Response.id), func.sum(Response.satisfied))
    for target, condition in joins:
        query = query.join(target, condition)
    query = query.where(Response.agency_id.in_([agency.id, *peers]), *_window(start, end)).group_by(column, mine)
    cells: dict = defaultdict(lambda: [Share(0, 0), Share(0, 0)])
    for key, is_mine, answered, satisfied in db.session.execute(query):
        cells[key][0 if is_mine else 1] = Share(int(answered), int(satisfied or 0))
    return cells


def service_comparison(agency: Agency, start: datetime, end: datetime) -> list[Comparison]:
    """Services with at least ``MIN_ANSWERS`` answers here, the furthest below peers first."""
    cells = _shares(Response.service_id, agency, start, end)
    wanted = [key for key, (own, _peers) in cells.items() if own.answered >= MIN_ANSWERS]
    services = {s.id: s for s in db.session.scalars(select(Service).where(Service.id.in_(wanted)))}
    found = [
        Comparison(key, services[key].name_vi, services[key].name_en, services[key].code, *cells[key]) for key in wanted
    ]
    return sorted(found, key=lambda c: (c.difference is None, c.difference or 0.0, c.code))


def channel_comparison(agency: Agency, start: datetime, end: datetime) -> list[Comparison]:
    """Satisfaction by the channel the case came in by, here and among peers."""
    cells = _shares(Response.case_channel, agency, start, end)
    return [Comparison(channel, channel, channel, channel, *cells[channel]) for channel in CHANNELS if channel in cells]


def comments_by_service(agency: Agency, start: datetime, end: datetime) -> dict[int, int]:
    """Comments citizens wrote about each service here in the window: what the inbox link opens."""
    query = (
        select(Response.service_id, func.count(Response.id))
        .where(
            Response.agency_id.in_(subtree_ids(agency.id)),
            Response.comment.is_not(None),
            Response.comment != "",
            Response.submitted_at >= to_naive_utc(start),
            Response.submitted_at < to_naive_utc(end),
        )
        .group_by(Response.service_id)
    )
    return {service_id: int(count) for service_id, count in db.session.execute(query)}


@dataclass(frozen=True)
class FlaggedAgency:
    agency: Agency
    band: str
    period: str  # the latest publication that flagged it
    months: int  # consecutive published months flagged, up to the latest


def flagged_below(parent: Agency, months: int = 12) -> list[FlaggedAgency]:
    """Agencies under ``parent`` whose latest published month flags them, the longest flagged first."""
    below = subtree_ids(parent.id) - {parent.id}
    if not below:
        return []
    rows = db.session.execute(
        select(SnapshotEntry.agency_id, SnapshotEntry.figures, Snapshot.period, Snapshot.revision)
        .join(Snapshot, Snapshot.id == SnapshotEntry.snapshot_id)
        .where(
            SnapshotEntry.agency_id.in_(below),
            Snapshot.provisional.is_(False),
            Snapshot.period_kind == "month",
        )
    ).all()
    # The newest revision of each (agency, month).
    latest: dict[int, dict[str, tuple[int, str | None]]] = defaultdict(dict)
    for agency_id, figures, period, revision in rows:
        seen = latest[agency_id].get(period)
        if seen is None or revision > seen[0]:
            latest[agency_id][period] = (revision, (figures or {}).get("band"))
    found = []
    for agency_id, by_period in latest.items():
        periods = sorted(by_period, key=lambda key: parse_period(key).start, reverse=True)[:months]
        streak = 0
        for period in periods:
            if by_period[period][1] not in FLAG_BANDS:
                break
            streak += 1
        if streak:
            found.append((agency_id, by_period[periods[0]][1], periods[0], streak))
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_([f[0] for f in found])))}
    flagged = [FlaggedAgency(agencies[a], band, period, streak) for a, band, period, streak in found]
    return sorted(flagged, key=lambda f: (-f.months, f.band != "well_below", f.agency.code))
