"""Audit helpers for admin changes: who acted, and a JSON-safe before/after of the fields that changed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_login import current_user

from survey.audit import record


def actor() -> str:
    """The signed-in admin, named as the sign-in code names users in the audit log (by e-mail)."""
    return current_user.email


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def state(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def record_change(action: str, target: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Log only the fields that differ; returns False (and logs nothing) when nothing changed."""
    changed = [key for key in after if before.get(key) != after[key]]
    if not changed:
        return False
    record(actor(), action, target, {k: before.get(k) for k in changed}, {k: after[k] for k in changed})
    return True
