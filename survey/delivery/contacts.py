"""A citizen's number for one invitation, and the opt-out list that every later case respects."""

from __future__ import annotations

from sqlalchemy import exists, select, update

from survey.delivery.crypto import decrypt_phone, encrypt_phone, lookup, lookups
from survey.extensions import db
from survey.models import Contact, Invitation, SmsMessage, SmsOptOut
from survey.models.base import utcnow


def is_opted_out(phone: str) -> bool:
    return db.session.scalar(select(exists().where(SmsOptOut.phone_lookup.in_(lookups(phone))))) or False


def attach_contact(invitation: Invitation, agency_id: int, phone: str) -> bool:
    """Keep the number (encrypted) and queue the invitation SMS; False, storing nothing, for an opted-out number."""
    if is_opted_out(phone):
        return False
    invitation.delivery_channel = "sms"
    db.session.add(Contact(invitation=invitation, phone_cipher=encrypt_phone(phone), phone_lookup=lookup(phone)))
    db.session.add(
        SmsMessage(
            invitation=invitation, agency_id=agency_id, kind="invitation", dedupe_key=f"invitation:{invitation.id}"
        )
    )
    return True


def opt_out_numbers(phone: str, via: str) -> int:
    """Stop every message to ``phone`` now and for later cases; how many held contacts it touched."""
    hashes = lookups(phone)
    if not db.session.scalar(select(exists().where(SmsOptOut.phone_lookup.in_(hashes)))):
        db.session.add(SmsOptOut(phone_lookup=hashes[0], via=via))
    contacts = list(db.session.scalars(select(Contact).where(Contact.phone_lookup.in_(hashes))))
    _stop(contacts)
    db.session.commit()
    return len(contacts)


def opt_out_invitation(invitation: Invitation, via: str) -> bool:
    """The opt-out link: the number held for this invitation asks for no more messages."""
    contact = db.session.scalar(select(Contact).where(Contact.invitation_id == invitation.id))
    if contact is None:
        return False
    phone = decrypt_phone(contact.phone_cipher)
    if phone is not None:
        return opt_out_numbers(phone, via) > 0
    _stop([contact])
    db.session.commit()
    return True


def _stop(contacts: list[Contact]) -> None:
    now = utcnow()
    for contact in contacts:
        contact.opted_out_at = contact.opted_out_at or now
    ids = [c.invitation_id for c in contacts]
    if ids:
        db.session.execute(
            update(SmsMessage)
            .where(SmsMessage.invitation_id.in_(ids), SmsMessage.status == "queued", SmsMessage.kind != "code")
            .values(status="cancelled", last_error="opted out")
        )
