"""Which agencies the signed-in user works on: their subtree (everything for admins)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from survey.authz import require_agency, visible_agency_ids
from survey.extensions import db
from survey.models import Agency, User


def visible_agencies(user: User) -> list[Agency]:
    """Agencies the user may pick, ordered by code (parents sort before their wards)."""
    ids = visible_agency_ids(user)
    query = select(Agency).order_by(Agency.code)
    if ids is not None:
        query = query.where(Agency.id.in_(ids))
    return list(db.session.scalars(query))


def chosen_agency(user: User, agency_id: int | None) -> Agency:
    """The agency asked for (404 outside the user's subtree) or the user's own; 404 if none."""
    if agency_id is None:
        agency_id = user.agency_id
        if agency_id is None:  # admins have no agency of their own: start with the first one
            agency_id = db.session.scalar(select(Agency.id).order_by(Agency.code).limit(1))
    require_agency(agency_id)
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    return agency


def scope_ids(user: User) -> set[int] | None:
    """Agency ids the user may read; None means all (admins)."""
    return visible_agency_ids(user)
