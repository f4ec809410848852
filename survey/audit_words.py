"""Audit entries in words: what was done, to what, and each changed field as "Status: New → Responded".

The admin's audit log and a comment's history both read entries through here, so an official
never sees a stored code, a database id or raw JSON where a word will do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, AuditLog, PeerGroup, Service, User
from survey.vocabulary import (
    AUDIT_ACTION_LABELS,
    AUDIT_FIELD_LABELS,
    DRIVER_LABELS,
    FACTOR_LABELS,
    FEEDBACK_STATUS_LABELS,
    KIND_LABELS,
    PLAN_STATUS_LABELS,
    REVIEW_STATE_LABELS,
    ROLE_LABELS,
)

# Fields whose stored values are codes with a label of their own.
VALUE_LABELS = {"role": ROLE_LABELS, "kind": KIND_LABELS, "review_state": REVIEW_STATE_LABELS}
STATUS_LABELS = {**PLAN_STATUS_LABELS, **FEEDBACK_STATUS_LABELS}
TARGET_MODELS = {
    "user": (User, "email"),
    "agency": (Agency, "code"),
    "service": (Service, "code"),
    "peer_group": (PeerGroup, "code"),
}


def action_name(action: str) -> str:
    """The action in words; an action this version does not know keeps its code."""
    return str(AUDIT_ACTION_LABELS.get(action, action))


def value_words(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field == "assignee_id":
        person = db.session.get(User, value) if isinstance(value, int) else None
        return person.email if person else str(value)
    if field == "status":
        return str(STATUS_LABELS.get(value, value))
    if field in VALUE_LABELS:
        return str(VALUE_LABELS[field].get(value, value))
    if isinstance(value, list | tuple):
        names = {**DRIVER_LABELS, **FACTOR_LABELS} if field == "drivers" else {}
        return ", ".join(str(names.get(item, item)) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


def changes_in_words(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """One line per field: "Field: old → new", or "Field: new" when there was no before."""
    before, after = before or {}, after or {}
    lines = []
    for field in [*after, *(key for key in before if key not in after)]:
        label = str(AUDIT_FIELD_LABELS.get(field, field.replace("_", " ")))
        new = value_words(field, after.get(field))
        if field in before and before.get(field) != after.get(field):
            lines.append(f"{label}: {value_words(field, before.get(field))} → {new}")
        else:
            lines.append(f"{label}: {new}")
    return lines


def target_names(entries: Iterable[AuditLog]) -> dict[str, str]:
    """ "user:7" → "lan@…", "agency:3" → "Q1": one query per kind of target on the page."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        kind, _sep, ident = (entry.target or "").partition(":")
        if kind in TARGET_MODELS and ident.isdigit():
            wanted.setdefault(kind, set()).add(int(ident))
    names = {}
    for kind, ids in wanted.items():
        model, column = TARGET_MODELS[kind]
        for ident, name in db.session.execute(select(model.id, getattr(model, column)).where(model.id.in_(ids))):
            names[f"{kind}:{ident}"] = name
    return names
