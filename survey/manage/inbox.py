"""The comment inbox: one query, built from filters, shared by the page and the CSV export."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from werkzeug.exceptions import BadRequest, NotFound

from ranking.periods import Period, parse_period
from survey.bounds import small_int
from survey.extensions import db
from survey.models import Agency, Feedback, Response, Service
from survey.models.agency import subtree_ids
from survey.models.base import to_naive_utc
from survey.models.feedback import FEEDBACK_STATUSES
from survey.vocabulary import NEEDS_REPLY, NEEDS_REPLY_STATUSES

PAGE_SIZE = 25
LIKE_ESCAPE = "\\"
RATINGS = ("5", "4", "3", "2", "1", "none")


@dataclass(frozen=True)
class InboxFilter:
    period: Period | None = None
    agency_id: int | None = None  # that agency and its sub-agencies
    service_id: int | None = None
    rating: str | None = None  # "1".."5" or "none"
    status: str | None = None
    text: str | None = None


def _int_or(value: str, error: type[Exception]) -> int:
    number = small_int(value)
    if number is None:
        raise error()
    return number


def filters_from_args(args: Mapping[str, str], scope: set[int] | None) -> InboxFilter:
    """Read the inbox filters from a query string.

    An agency outside ``scope`` is 404 (as if it did not exist), whichever page asks:
    the inbox and its CSV export share this function. Malformed values are 400.
    """
    period = None
    if raw := (args.get("period") or "").strip():
        try:
            period = parse_period(raw)
        except ValueError:
            raise BadRequest() from None
    agency_id = None
    if raw := (args.get("agency") or "").strip():
        agency_id = _int_or(raw, NotFound)
        if (scope is not None and agency_id not in scope) or db.session.get(Agency, agency_id) is None:
            raise NotFound()
    service_id = _int_or(raw, BadRequest) if (raw := (args.get("service") or "").strip()) else None
    rating = (args.get("rating") or "").strip() or None
    status = (args.get("status") or "").strip() or None
    if rating is not None and rating not in RATINGS:
        raise BadRequest()
    if status is not None and status not in FEEDBACK_STATUSES and status != NEEDS_REPLY:
        raise BadRequest()
    # NFC like the stored comments (scrub.py); lower case because SQLite's lower() is ASCII-only.
    text = unicodedata.normalize("NFC", " ".join((args.get("q") or "").split())).lower()[:100] or None
    return InboxFilter(period, agency_id, service_id, rating, status, text)


def escape_like(text: str) -> str:
    """Make ``%`` and ``_`` in a user's search literal."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def status_column():
    """A comment without a feedback row is "new"."""
    return func.coalesce(Feedback.status, "new")


def inbox_query(scope: set[int] | None, filters: InboxFilter) -> Select:
    """Responses with a comment inside ``scope`` (None: everywhere), newest first.

    Rows are (Response, Feedback or None, agency code, service code).
    """
    query = (
        select(Response, Feedback, Agency.code, Service.code)
        .join(Agency, Agency.id == Response.agency_id)
        .join(Service, Service.id == Response.service_id)
        .outerjoin(Feedback, Feedback.response_id == Response.id)
        .where(Response.comment.is_not(None), Response.comment != "")
    )
    if scope is not None:
        query = query.where(Response.agency_id.in_(scope))
    if filters.agency_id is not None:
        query = query.where(Response.agency_id.in_(subtree_ids(filters.agency_id)))
    if filters.period is not None:
        query = query.where(
            Response.submitted_at >= to_naive_utc(filters.period.start),
            Response.submitted_at < to_naive_utc(filters.period.end),
        )
    if filters.service_id is not None:
        query = query.where(Response.service_id == filters.service_id)
    if filters.rating == "none":
        query = query.where(Response.overall.is_(None))
    elif filters.rating:
        query = query.where(Response.overall == int(filters.rating))
    if filters.status == NEEDS_REPLY:
        query = query.where(status_column().in_(NEEDS_REPLY_STATUSES))
    elif filters.status:
        query = query.where(status_column() == filters.status)
    if filters.text:
        pattern = f"%{escape_like(filters.text)}%"
        query = query.where(
            or_(
                Response.comment.ilike(pattern, escape=LIKE_ESCAPE),
                Feedback.reply.ilike(pattern, escape=LIKE_ESCAPE),
                Feedback.tags.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    return query.order_by(Response.submitted_at.desc(), Response.id.desc())


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def comment_counts(agency_ids: set[int]) -> dict[str, int]:
    """How many comments of these agencies are new, and how many still need a reply, for the dashboard."""
    status = status_column()
    query = (
        select(status, func.count())
        .select_from(Response)
        .outerjoin(Feedback, Feedback.response_id == Response.id)
        .where(Response.agency_id.in_(agency_ids), Response.comment.is_not(None), Response.comment != "")
        .where(status.in_(NEEDS_REPLY_STATUSES))
        .group_by(status)
    )
    counts = dict(db.session.execute(query).all())
    return {"new": counts.get("new", 0), NEEDS_REPLY: sum(counts.values())}


def service_names(codes: set[str], locale: str) -> dict[str, str]:
    """Service codes on a page of the inbox, named in the reader's language."""
    rows = db.session.scalars(select(Service).where(Service.code.in_(codes))) if codes else []
    return {service.code: service.name(locale) for service in rows}


def page_of(query: Select, number: int, size: int = PAGE_SIZE) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = max(1, number)
    rows = db.session.execute(query.limit(size).offset((number - 1) * size)).all()
    return Page(rows=list(rows), total=total, number=number, size=size)


def comment_in_scope(response_id: int, scope: set[int] | None) -> Response | None:
    """The response if it has a comment and lies inside ``scope``; None otherwise (callers 404)."""
    response = db.session.get(Response, response_id)
    if response is None or not response.comment:
        return None
    if scope is not None and response.agency_id not in scope:
        return None
    return response
