"""Closing the loop: the agency's published reply, shown to whoever holds the link that was answered."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date
from sqlalchemy import select

from ranking.periods import CITY_TZ
from survey.extensions import db
from survey.models import Agency, Feedback, Response
from survey.models.base import as_utc
from survey.scrub import scrub_pii


@dataclass(frozen=True)
class CitizenReply:
    agency: str
    date: str
    text: str


def published_reply(response: Response | None, locale: str) -> CitizenReply | None:
    """The reply a manager published to this response's comment, scrubbed of personal data; else None."""
    if response is None or not response.comment:
        return None
    feedback = db.session.scalar(
        select(Feedback).where(
            Feedback.response_id == response.id, Feedback.reply_public.is_(True), Feedback.reply.is_not(None)
        )
    )
    if feedback is None or feedback.replied_at is None:
        return None
    agency = db.session.get(Agency, response.agency_id)
    when = as_utc(feedback.replied_at).astimezone(CITY_TZ)
    return CitizenReply(agency=agency.name(locale), date=format_date(when, "long"), text=scrub_pii(feedback.reply))
