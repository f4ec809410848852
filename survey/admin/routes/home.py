"""The admin overview: what exists, and where to go."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from survey.admin import bp
from survey.authz import admin_required
from survey.extensions import db
from survey.models import Agency, ApiKey, Case, Service, User


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


@bp.get("/")
@admin_required
def index():
    counts = {
        "agencies": _count(Agency, Agency.active),
        "services": _count(Service, Service.active),
        "users": _count(User, User.active),
        "api_keys": _count(ApiKey, ApiKey.revoked_at.is_(None)),
        "cases": _count(Case),
    }
    return render_template("admin/home.html", counts=counts)
