"""Looking up a survey link and storing exactly one response for it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from survey.extensions import db
from survey.models import Case, Invitation, Response
from survey.models.base import utcnow
from survey.tokens import looks_like_token, response_link_hash, sha256_hex, token_for_salt

# An answer this soon after its link was issued is "quick" (the burst check, survey.integrity.checks).
QUICK_SECONDS = 300


class LinkState(enum.Enum):
    OPEN = "open"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class Link:
    state: LinkState
    invitation: Invitation | None = None


def find_link(token: str) -> Link:
    """Classify a token. Malformed and unknown tokens look the same to the caller."""
    if not looks_like_token(token):
        return Link(LinkState.UNKNOWN)
    # One round trip: the invitation with its case, agency and service, and whether it is used
    # (a response carries the link's keyed hash, not the invitation's id).
    answered = exists().where(Response.link_hash == response_link_hash(token))
    row = db.session.execute(
        select(Invitation, answered.label("answered"))
        .where(Invitation.token_hash == sha256_hex(token))
        .options(
            joinedload(Invitation.case).joinedload(Case.agency), joinedload(Invitation.case).joinedload(Case.service)
        )
    ).first()
    if row is None:
        return Link(LinkState.UNKNOWN)
    invitation, used = row
    if used:
        return Link(LinkState.USED, invitation)
    if invitation.expires_at <= utcnow():
        return Link(LinkState.EXPIRED, invitation)
    return Link(LinkState.OPEN, invitation)


def link_hash_of(invitation: Invitation) -> str:
    """The keyed hash its response would carry: computable only by the service, which holds the key."""
    return response_link_hash(token_for_salt(invitation.token_salt))


def answered_invitations(invitations: list[Invitation]) -> set[int]:
    """Ids of those invitations that were answered.

    The database cannot tell (no column joins a response to its invitation); the service can,
    by deriving each link's keyed hash. Reminders, retention and data requests need it.
    """
    by_hash = {link_hash_of(i): i.id for i in invitations if i.token_salt}
    found: set[int] = set()
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):  # stays under every database's bound-parameter limit
        chunk = hashes[start : start + 500]
        found.update(
            by_hash[h] for h in db.session.scalars(select(Response.link_hash).where(Response.link_hash.in_(chunk)))
        )
    return found


def own_response(token: str) -> Response | None:
    """The response given through this link, for its holder only (found by the link's keyed hash)."""
    if not looks_like_token(token):
        return None
    return db.session.scalar(select(Response).where(Response.link_hash == response_link_hash(token)))
