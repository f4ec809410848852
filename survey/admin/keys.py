"""Integrators' API keys: created with a scope, shown once, stored as a hash, revoked (never deleted)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey.admin.trail import actor
from survey.apikeys import create_api_key, revoke_api_key
from survey.extensions import db
from survey.models import ApiKey
from survey.models.agency import subtrees


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).options(selectinload(ApiKey.agencies)).order_by(ApiKey.id.desc())))


def scope_ids(agency_ids: list[int], include_subagencies: bool) -> set[int]:
    """The intake API checks exact agency codes, so a district's wards are listed one by one."""
    if not include_subagencies:
        return set(agency_ids)
    return set().union(*subtrees(agency_ids).values()) if agency_ids else set()


def create_key(name: str, agency_ids: set[int]) -> tuple[ApiKey, str]:
    """Store a new key for the signed-in admin; returns it with the plain key, shown once."""
    return create_api_key(name, agency_ids, actor=actor())


def revoke_key(key: ApiKey, hold_answered: bool = False) -> bool:
    return revoke_api_key(key, actor=actor(), hold_answered=hold_answered)
