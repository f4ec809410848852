"""Delivery and reminder figures per agency, and the response rate against invitations actually delivered.

Where the service delivers, the response rate's denominator is the invitations whose SMS
the gateway accepted ("delivered"), not every case registered: an undeliverable number
or an opted-out citizen is not a non-response of the agency.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, func, select

from survey.extensions import db
from survey.models import Agency, Contact, Response, SmsMessage


@dataclass(frozen=True)
class DeliveryFigures:
    agency: Agency
    delivered: int  # invitation SMS accepted by the gateway
    waiting: int  # queued or being sent
    failed: int
    cancelled: int
    reminders: int  # reminders accepted by the gateway
    opted_out: int
    answered: int  # delivered invitations with a response

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.delivered if self.delivered else None


def delivery_figures(agency_ids: set[int] | None = None) -> list[DeliveryFigures]:
    """One row per agency with any SMS, ``agency_ids`` limiting it (None = all)."""
    invitation = SmsMessage.kind == "invitation"
    opted = exists().where(Contact.invitation_id == SmsMessage.invitation_id, Contact.opted_out_at.is_not(None))

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            SmsMessage.agency_id,
            count(invitation & (SmsMessage.status == "sent")),
            count(invitation & SmsMessage.status.in_(("queued", "sending"))),
            count(invitation & (SmsMessage.status == "failed")),
            count(invitation & (SmsMessage.status == "cancelled")),
            count((SmsMessage.kind == "reminder") & (SmsMessage.status == "sent")),
            count(invitation & opted),
        )
        .where(SmsMessage.kind.in_(("invitation", "reminder")))
        .group_by(SmsMessage.agency_id)
    )
    if agency_ids is not None:
        query = query.where(SmsMessage.agency_id.in_(agency_ids))
    rows = db.session.execute(query).all()
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_([r[0] for r in rows])))}
    # Answers given through an SMS link carry channel "sms": counted per agency without joining
    # an answer to its invitation (the database cannot; see survey/responses.py).
    answered = dict(
        db.session.execute(
            select(Response.agency_id, func.count())
            .where(Response.channel == "sms", Response.agency_id.in_(list(agencies)))
            .group_by(Response.agency_id)
        ).all()
    )
    figures = [DeliveryFigures(agencies[r[0]], *(int(v or 0) for v in r[1:]), answered.get(r[0], 0)) for r in rows]
    return sorted(figures, key=lambda f: f.agency.code)
