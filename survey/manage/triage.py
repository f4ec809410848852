"""Handling a comment: the status workflow, assignee, tags and reply, every change audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.audit import record
from survey.auth.signin import actor
from survey.extensions import db
from survey.models import Feedback, Response, User
from survey.models.base import utcnow
from survey.scrub import scrub_pii

# new → acknowledged → responded / dismissed (spam); a mistaken decision can be reopened.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"acknowledged", "responded", "dismissed"}),
    "acknowledged": frozenset({"new", "responded", "dismissed"}),
    "responded": frozenset({"acknowledged"}),
    "dismissed": frozenset({"new", "acknowledged"}),
}
MAX_TAGS = 10
MAX_TAG_LENGTH = 32
REPLY_MAX = 2000


class TriageError(ValueError):
    """A change the workflow refuses; ``message`` is shown to the user."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)  # lazy: translated when shown, in the reader's language
        self.message = message


@dataclass(frozen=True)
class Triage:
    """The handling state a manager asks for."""

    status: str
    assignee_id: int | None = None
    tags: str = ""
    reply: str = ""
    reply_public: bool = False


def normalise_tags(text: str) -> str:
    """ "Queue, fees ,queue" → "queue,fees": lower case, de-duplicated, order kept."""
    seen: list[str] = []
    for raw in re.split(r"[,;]", text or ""):
        tag = " ".join(raw.split()).lower()[:MAX_TAG_LENGTH]
        if tag and tag not in seen:
            seen.append(tag)
    if len(seen) > MAX_TAGS:
        raise TriageError(_l("At most %(max)d tags.", max=MAX_TAGS))
    return ",".join(seen)


def state_of(feedback: Feedback | None) -> dict[str, Any]:
    """The audited fields of a comment's handling (a missing row is a new comment)."""
    if feedback is None:
        return {"status": "new", "assignee_id": None, "tags": "", "reply": None, "reply_public": False}
    return {
        "status": feedback.status,
        "assignee_id": feedback.assignee_id,
        "tags": feedback.tags or "",
        "reply": feedback.reply,
        "reply_public": bool(feedback.reply_public),
    }


def feedback_of(response: Response) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(Feedback.response_id == response.id))


def check_transition(current: str, wanted: str) -> None:
    if wanted != current and wanted not in TRANSITIONS.get(current, frozenset()):
        raise TriageError(_l("A comment cannot go from this status to the one chosen."))


def _target(response: Response) -> str:
    return f"response:{response.id}"


def apply_triage(response: Response, wanted: Triage, user: User, now: datetime | None = None) -> Feedback:
    """Move the comment to ``wanted``; raises TriageError (nothing saved) if the workflow refuses."""
    now = now or utcnow()
    feedback = feedback_of(response)
    before = state_of(feedback)
    # Scrubbed like comments: a reply is shown to the citizen and may be published.
    reply = scrub_pii((wanted.reply or "").strip()) or None
    opening = before["status"] in ("new", "acknowledged") and wanted.status in ("new", "acknowledged")
    if opening and wanted.reply_public and reply:
        wanted = replace(wanted, status="responded")  # publishing a reply is responding; reopening is not
    check_transition(before["status"], wanted.status)
    if reply and len(reply) > REPLY_MAX:
        raise TriageError(_l("The reply is too long."))
    if wanted.status == "responded" and not reply:
        raise TriageError(_l("Write a reply before marking the comment as responded."))
    if wanted.reply_public and (wanted.status != "responded" or not reply):
        raise TriageError(_l("Only a reply to a responded comment can be published."))
    after = {
        "status": wanted.status,
        "assignee_id": wanted.assignee_id,
        "tags": normalise_tags(wanted.tags),
        "reply": reply,
        "reply_public": bool(wanted.reply_public),
    }
    if after == before:
        return feedback
    if feedback is None:
        feedback = Feedback(response_id=response.id)
        db.session.add(feedback)
    if after["reply"] != before["reply"]:
        feedback.replied_at = now if reply else None
    for key, value in after.items():
        setattr(feedback, key, value)
    feedback.updated_by_id = user.id
    changed = [key for key in after if after[key] != before[key]]
    record(
        actor(user),
        "feedback.update",
        _target(response),
        {key: before[key] for key in changed},
        {key: after[key] for key in changed},
    )
    _commit()
    return feedback


def bulk_status(responses: Iterable[Response], status: str, user: User) -> tuple[int, int]:
    """Set ``status`` on many comments; returns (changed, skipped). Skipped ones break the workflow.

    "responded" is not offered in bulk: it needs a reply written for each comment.
    """
    if status not in ("new", "acknowledged", "dismissed"):
        raise TriageError(_l("This action cannot be applied to several comments at once."))
    changed = skipped = 0
    for response in responses:
        feedback = feedback_of(response)
        before = state_of(feedback)
        if before["status"] == status:
            continue
        if status not in TRANSITIONS[before["status"]]:
            skipped += 1
            continue
        if feedback is None:
            feedback = Feedback(response_id=response.id)
            db.session.add(feedback)
        feedback.status = status
        if status != "responded":
            feedback.reply_public = False  # a reply is published only while the comment stands responded
        feedback.updated_by_id = user.id
        record(
            actor(user),
            "feedback.update",
            _target(response),
            {"status": before["status"], "reply_public": before["reply_public"]},
            {"status": status, "reply_public": False},
        )
        changed += 1
    _commit()
    return changed, skipped


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # two people created the first feedback row at once
        db.session.rollback()
        raise TriageError(_l("Someone else changed this comment at the same moment. Please try again.")) from None
