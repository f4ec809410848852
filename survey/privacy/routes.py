"""Citizen-facing privacy pages: the notice (vi/en, versioned) and data-subject requests."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from survey.privacy.notice import NOTICE_DATE, NOTICE_VERSION
from survey.privacy.retention import schedule

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
def notice():
    return render_template(
        "privacy/notice.html",
        version=NOTICE_VERSION,
        date=NOTICE_DATE,
        schedule=schedule(current_app),
        contact=current_app.config["PRIVACY_CONTACT"],
        reminder_days=current_app.config["REMINDER_DAYS"],
    )
