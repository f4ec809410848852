"""Integrators' API keys: created with a scope and shown once, stored as a hash, revoked (never deleted).

Shared by ``flask apikey`` and the admin pages; the caller names the actor for the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update

from survey.audit import record
from survey.extensions import db
from survey.integrity.review import hold_key_answers
from survey.models import Agency, ApiKey, Case, Invitation
from survey.models.base import utcnow
from survey.tokens import new_api_key


def create_api_key(name: str, agency_ids: Iterable[int], *, actor: str) -> tuple[ApiKey, str]:
    """Store a new key (its hash only) scoped to ``agency_ids`` (none = every agency).

    Returns the key and the plain text, which the caller shows once and never stores.
    """
    plain, prefix, digest = new_api_key()
    wanted = list(agency_ids)
    scope = list(db.session.scalars(select(Agency).where(Agency.id.in_(wanted)).order_by(Agency.code)))
    key = ApiKey(name=name, prefix=prefix, key_hash=digest, agencies=scope)
    db.session.add(key)
    db.session.flush()
    after = {"name": name, "prefix": prefix, "agencies": [a.code for a in scope] or "*"}
    record(actor, "apikey.create", f"api_key:{key.id}", None, after)
    db.session.commit()
    return key, plain


def revoke_api_key(key: ApiKey, *, actor: str, hold_answered: bool = False) -> bool:
    """Revoke ``key`` and close its unanswered links (they now answer like expired ones).

    With ``hold_answered`` its answered responses are held for an auditor too. False (and
    nothing recorded) when the key was already revoked.
    """
    if key.revoked_at is not None:
        return False
    now = utcnow()
    key.revoked_at = now
    # Answered links are closed too: a response does not say which invitation it answered.
    minted = select(Case.id).where(Case.api_key_id == key.id)
    closed = db.session.execute(
        update(Invitation).where(Invitation.case_id.in_(minted), Invitation.expires_at > now).values(expires_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    held = hold_key_answers(db.session, key.id) if hold_answered else 0
    after = {"active": False, "closed_links": int(closed or 0), "held_responses": held}
    record(actor, "apikey.revoke", f"api_key:{key.id}", {"active": True}, after)
    db.session.commit()
    return True
