"""The public "is this message real?" page (survey.verification)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import format_date

from ranking.periods import CITY_TZ
from survey.citizen import bp
from survey.citizen.forms import VerifyForm
from survey.extensions import limiter
from survey.i18n import current_locale
from survey.models.base import as_utc
from survey.verification import verify_code


def verify_limit() -> str:
    return current_app.config["RATELIMIT_VERIFY"]


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(verify_limit, methods=["POST"])
def verify():
    form = VerifyForm()
    verdict = None
    if form.validate_on_submit():
        verdict = verify_code(form.code.data)
    locale = current_locale()
    until = format_date(as_utc(verdict.open_until).astimezone(CITY_TZ), "long") if verdict and verdict.genuine else None
    return render_template(
        "citizen/verify.html",
        form=form,
        verdict=verdict,
        agency=(verdict.agency_en if locale == "en" else verdict.agency_vi) if verdict else None,
        service=(verdict.service_en if locale == "en" else verdict.service_vi) if verdict else None,
        until=until,
        org_name=current_app.config.get("ORG_NAME"),
        help_phone=current_app.config.get("HELP_PHONE"),
        help_url=current_app.config.get("HELP_URL"),
    ), (422 if form.errors else 200)
