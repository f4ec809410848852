"""Reading the audit log: newest first, filtered by action and actor, one page at a time."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditLog

PAGE_SIZE = 50


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))


def audit_page(action: str = "", actor: str = "", page: int = 1):
    """A Flask-SQLAlchemy pagination of matching entries; an out-of-range page is simply empty."""
    query = select(AuditLog).order_by(AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action == action)
    if actor:
        # Literal substring match: escape LIKE's wildcards so "%" finds a percent sign.
        pattern = actor.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(AuditLog.actor).like(f"%{pattern}%", escape="\\"))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, count=True)


def pretty(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
