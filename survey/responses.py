"""Looking up a survey link and storing exactly one response for it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from survey.extensions import db
from survey.integrity.straight_line import all_positive, option_positivity
from survey.models import Answer, Case, Invitation, QuestionSet, Response
from survey.models.base import utcnow
from survey.privacy.notice import NOTICE_VERSION
from survey.questions import QuestionSetView
from survey.scrub import scrub_pii
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


def record_response(
    invitation: Invitation,
    qset: QuestionSet | QuestionSetView,
    answers: dict[str, int | None],
    comment: str | None,
    locale: str,
    channel: str = "web",
    device: str | None = None,
    token: str | None = None,
) -> bool:
    """Store the response and its answers atomically. False if the link was already used.

    Provenance goes with it: how the link was minted (the case's source), how it was
    answered (``channel``; "assisted" never counts in the ranking) and the day's device hash.

    The unique constraint on ``response.link_hash`` decides races (two tabs, double
    clicks, replays); a check beforehand would not. ``token`` is the link as the citizen
    used it (by default it is derived again from the invitation's salt).
    """
    case = invitation.case
    text = scrub_pii(comment) if comment else None
    now = utcnow()
    response = Response(
        link_hash=response_link_hash(token or token_for_salt(invitation.token_salt)),
        agency_id=case.agency_id,
        service_id=case.service_id,
        question_set_id=qset.id,
        # To the hour: a link's activity (opened, answered) cannot be matched to one answer by time.
        submitted_at=now.replace(minute=0, second=0, microsecond=0),
        quick=(now - invitation.issued_at).total_seconds() <= QUICK_SECONDS,
        locale=locale,
        channel=channel,
        case_channel=case.channel,
        minted_by=case.source,
        api_key_id=case.api_key_id,
        device_hash=device,
        overall=answers.get("overall"),
        comment=text or None,
        notice_version=NOTICE_VERSION,
    )
    by_key = {q.key: q for q in qset.questions}
    for key, value in answers.items():
        if key != "overall" and value is not None and key in by_key:
            response.answers.append(Answer(question_id=by_key[key].id, value=value))
    # Decided now, like ``quick``: the straight-lining check counts the column, not the answers.
    response.all_positive = all_positive(
        response.overall, [(a.question_id, a.value) for a in response.answers], option_positivity(qset.questions)
    )
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def answer_channel(invitation: Invitation, assisted: bool) -> str:
    """How a web submission came in: staff-assisted if the citizen says so, else by how the link reached them."""
    if assisted:
        return "assisted"
    if invitation.delivery_channel == "sms":
        return "sms"
    if invitation.printed_at is not None:
        return "qr"
    return "web"


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
