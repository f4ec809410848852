"""Options for the managers' select boxes, limited to what the user may see."""

from __future__ import annotations

import contextlib
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ranking.periods import Period, parse_period, period_containing
from survey.extensions import db
from survey.models import Agency, Response, Service, User


def agency_choices(agencies: list[Agency], locale: str) -> list[SelectChoice]:
    return [SelectChoice(str(a.id), f"{a.name(locale)} ({a.code})") for a in agencies]


def period_choices(now: datetime, chosen: str | None = None) -> list[SelectChoice]:
    """Any period, the last 12 months and the last 4 quarters (plus a valid one from the URL)."""
    months: list[Period] = [period_containing(now, "month")]
    for _ in range(11):
        months.append(months[-1].previous())
    quarters: list[Period] = [period_containing(now, "quarter")]
    for _ in range(3):
        quarters.append(quarters[-1].previous())
    keys = [p.key for p in months + quarters]
    if chosen and chosen not in keys:
        with contextlib.suppress(ValueError):  # an invalid one is reported by the filter itself
            keys.append(parse_period(chosen).key)
    return [SelectChoice("", _l("Any period")), *(SelectChoice(key) for key in keys)]


def service_choices(locale: str) -> list[SelectChoice]:
    services = db.session.scalars(select(Service).order_by(Service.code))
    return [
        SelectChoice("", _l("Any service")),
        *(SelectChoice(str(s.id), f"{s.name(locale)} ({s.code})") for s in services),
    ]


def assignable_users(scope: set[int] | None) -> list[User]:
    """Active staff of the user's subtree (everyone for admins) who may be given a comment."""
    query = select(User).where(User.active.is_(True)).order_by(User.name, User.email)
    if scope is not None:
        query = query.where(User.agency_id.in_(scope))
    return list(db.session.scalars(query))


def assignee_choices(users: list[User]) -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Nobody")),
        *(SelectChoice(str(u.id), f"{u.name or u.email} ({u.email})") for u in users),
    ]


def plan_service_choices(agency_id: int, locale: str) -> list[SelectChoice]:
    """Services the agency's citizens have rated (every active service when none yet): what a plan may name."""
    rated = select(Response.service_id).where(Response.agency_id == agency_id).distinct()
    query = select(Service).where(Service.id.in_(rated)).order_by(Service.code)
    services = list(db.session.scalars(query)) or list(
        db.session.scalars(select(Service).where(Service.active).order_by(Service.code))
    )
    return [SelectChoice(s.id, s.name(locale)) for s in services]
