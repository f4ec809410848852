"""Integrators' API keys: created with a scope, shown once, stored as a hash, revoked (never deleted)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey.admin.trail import actor
from survey.audit import record
from survey.authz import subtree_ids
from survey.extensions import db
from survey.models import Agency, ApiKey
from survey.models.base import utcnow
from survey.tokens import new_api_key


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).options(selectinload(ApiKey.agencies)).order_by(ApiKey.id.desc())))


def scope_ids(agency_ids: list[int], include_subagencies: bool) -> set[int]:
    """The intake API checks exact agency codes, so a district's wards are listed one by one."""
    if not include_subagencies:
        return set(agency_ids)
    return set().union(*(subtree_ids(agency_id) for agency_id in agency_ids)) if agency_ids else set()


def create_key(name: str, agency_ids: set[int]) -> tuple[ApiKey, str]:
    """Store a new key (hash only); returns it with the plain key, which the caller shows once."""
    plain, prefix, digest = new_api_key()
    scope = list(db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids)).order_by(Agency.code)))
    key = ApiKey(name=name, prefix=prefix, key_hash=digest, agencies=scope)
    db.session.add(key)
    db.session.flush()
    after = {"name": name, "prefix": prefix, "agencies": [a.code for a in scope] or "*"}
    record(actor(), "apikey.create", f"api_key:{key.id}", None, after)
    db.session.commit()
    return key, plain


def revoke_key(key: ApiKey) -> bool:
    if key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    record(actor(), "apikey.revoke", f"api_key:{key.id}", {"active": True}, {"active": False})
    db.session.commit()
    return True
