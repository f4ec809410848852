"""Citizen-facing privacy pages: the notice (vi/en, versioned) and data-subject requests."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _

from survey.delivery.labels import SMS_KIND_LABELS, SMS_STATUS_LABELS
from survey.extensions import db, limiter
from survey.models import DataRequest, Invitation
from survey.privacy.forms import ConfirmForm, RequestForm
from survey.privacy.notice import NOTICE_DATE, NOTICE_VERSION
from survey.privacy.requests import confirm_code, find_invitation, held_data, start_request, timers
from survey.privacy.retention import schedule

bp = Blueprint("privacy", __name__)
SESSION_KEY = "data_request"


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


def _limit() -> str:
    return current_app.config["RATELIMIT_SURVEY"]


def _finish(data_request: DataRequest):
    """After receipt: an access request is answered at once on this page; an erasure goes to staff."""
    invitation = db.session.get(Invitation, data_request.invitation_id)
    if data_request.kind == "access":
        data_request.status, data_request.completed_at = "completed", data_request.received_at
        data_request.handled_by = "self-service"
        db.session.commit()
        return render_template(
            "privacy/held.html",
            held=held_data(invitation),
            SMS_KIND_LABELS=SMS_KIND_LABELS,
            SMS_STATUS_LABELS=SMS_STATUS_LABELS,
        )
    return render_template("privacy/received.html", timers=timers(data_request))


@bp.route("/privacy/request", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def request_start():
    form = RequestForm()
    if form.validate_on_submit():
        invitation = find_invitation(form.code.data)
        if invitation is None or not invitation.token_salt:
            form.code.errors.append(_("We could not find a case for this code. Check the whole code and try again."))
        else:
            data_request = start_request(invitation, form.kind.data)
            if data_request.status == "unverified":
                session[SESSION_KEY] = data_request.id
                return redirect(url_for(".request_confirm"), 303)
            return _finish(data_request)
    return render_template("privacy/request.html", form=form), 422 if form.errors else 200


@bp.route("/privacy/request/confirm", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def request_confirm():
    data_request = db.session.get(DataRequest, session.get(SESSION_KEY) or 0)
    if data_request is None or data_request.status != "unverified":
        return redirect(url_for(".request_start"), 303)
    form = ConfirmForm()
    if form.validate_on_submit():
        if confirm_code(data_request, form.code.data):
            session.pop(SESSION_KEY, None)
            return _finish(data_request)
        form.code.errors.append(_("This code is not right, or has expired. Please ask again."))
    return render_template("privacy/confirm.html", form=form), 422 if form.errors else 200
