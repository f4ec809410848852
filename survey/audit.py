"""Recording privileged actions in the append-only audit log."""

from __future__ import annotations

from typing import Any

from survey.extensions import db
from survey.models import AuditLog


def record(
    actor: str, action: str, target: str = "", before: dict[str, Any] | None = None, after: dict[str, Any] | None = None
) -> AuditLog:
    """Add an audit entry to the current transaction (committed with the change it describes)."""
    entry = AuditLog(actor=actor, action=action, target=target, before=before, after=after)
    db.session.add(entry)
    return entry
