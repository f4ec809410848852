"""Personal data in the admin: the data-subject request queue with its legal timers, delivery figures, the register."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from survey.admin import bp
from survey.admin.trail import actor
from survey.authz import admin_required
from survey.delivery.figures import delivery_figures
from survey.delivery.labels import REQUEST_KIND_LABELS, REQUEST_STATUS_LABELS
from survey.extensions import db
from survey.models import DataRequest
from survey.privacy.register import activities
from survey.privacy.requests import acknowledge, complete, open_requests, timers
from survey.privacy.retention import schedule


@bp.get("/privacy")
@admin_required
def privacy_requests():
    queue = [(item, timers(item)) for item in open_requests()]
    return render_template(
        "admin/privacy.html",
        queue=queue,
        form=FlaskForm(),
        delivery_rows=delivery_figures(),
        schedule=schedule(current_app),
        KIND=REQUEST_KIND_LABELS,
        STATUS=REQUEST_STATUS_LABELS,
    )


@bp.post("/privacy/requests/<int:request_id>/<step>")
@admin_required
def privacy_request_step(request_id: int, step: str):
    if step not in ("acknowledge", "complete"):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    data_request = db.session.get(DataRequest, request_id)
    if data_request is None:
        flash(_("There is no such request; nothing was changed."))
        return redirect(url_for(".privacy_requests"), 303)
    if step == "acknowledge":
        done = acknowledge(data_request, actor())
    else:
        done = complete(data_request, actor(), (request.form.get("note") or "")[:2000])
    flash(_("The request was updated.") if done else _("The request had already moved on; nothing was changed."))
    return redirect(url_for(".privacy_requests"), 303)


@bp.get("/privacy/register")
@admin_required
def privacy_register():
    return render_template("admin/privacy_register.html", activities=activities(current_app))
