"""Reading what admin actions left behind."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditLog


def audit_count() -> int:
    """Audit entries written by actions, not counting the sign-ins that started each test's session."""
    query = select(func.count()).select_from(AuditLog).where(AuditLog.action != "auth.sign_in")
    return db.session.scalar(query)
