"""The public "is this message real?" check: a short code from an SMS or slip → genuine or not.

It tells only whether the code belongs to one of our invitations, for which agency and
service, and until when the survey is open. Never whether anyone answered (that would
let whoever saw the code learn it), nor the case. Known, unknown and malformed codes take
the same path: the code is hashed and looked up once in every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, Case, Invitation, Service
from survey.models.base import utcnow
from survey.tokens import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, normalise_code, short_code_hash

# Hashed and looked up in place of a malformed code, so it costs what a real look-up costs.
_NEVER_ISSUED = "#" * SHORT_CODE_LENGTH


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    agency_vi: str | None = None
    agency_en: str | None = None
    service_vi: str | None = None
    service_en: str | None = None
    open_until: datetime | None = None
    still_open: bool = False


def well_formed(code: str) -> bool:
    return len(code) == SHORT_CODE_LENGTH and all(symbol in SHORT_CODE_ALPHABET for symbol in code)


def verify_code(typed: str) -> Verdict:
    """What the verification page may say about ``typed`` (any text)."""
    code = normalise_code(typed)
    digest = short_code_hash(code if well_formed(code) else _NEVER_ISSUED)
    row = db.session.execute(
        select(Agency.name_vi, Agency.name_en, Service.name_vi, Service.name_en, Invitation.expires_at)
        .select_from(Invitation)
        .join(Case, Case.id == Invitation.case_id)
        .join(Agency, Agency.id == Case.agency_id)
        .join(Service, Service.id == Case.service_id)
        .where(Invitation.code_hash == digest)
    ).first()
    if row is None:
        return Verdict(genuine=False)
    agency_vi, agency_en, service_vi, service_en, expires_at = row
    return Verdict(True, agency_vi, agency_en, service_vi, service_en, expires_at, expires_at > utcnow())
