"""Auditor views: thin wrappers over ``survey.integrity.report`` and ``survey.integrity.review``."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ranking.periods import parse_period, period_containing
from survey.auditor import bp
from survey.auditor.forms import DecisionForm, PeriodForm
from survey.authz import roles_required
from survey.extensions import db
from survey.integrity.report import flag_row, held_counts, period_flags
from survey.integrity.review import ReviewError, decide
from survey.models import IntegrityFlag
from survey.vocabulary import FLAG_KINDS, INTEGRITY_LABELS

auditor_required = roles_required("auditor")


def _labels() -> dict:
    return {"kinds": FLAG_KINDS, "statuses": INTEGRITY_LABELS}


@bp.get("/")
@auditor_required
def flags():
    form = PeriodForm(request.args)
    if request.args and not form.validate():
        return render_template("auditor/flags.html", form=form, rows=[], period=None, **_labels()), 400
    period = parse_period(form.period.data) if form.period.data else period_containing(datetime.now(UTC), "month")
    items = period_flags(db.session, period)
    counts = held_counts(db.session, [f.id for f in items])
    rows = [flag_row(flag, counts.get(flag.id, 0)) for flag in items]
    return render_template("auditor/flags.html", form=form, rows=rows, period=period, **_labels())


@bp.route("/flags/<int:flag_id>", methods=["GET", "POST"])
@auditor_required
def flag(flag_id: int):
    item = db.get_or_404(IntegrityFlag, flag_id)
    form = DecisionForm()
    status = 200
    if form.validate_on_submit():
        try:
            decide(db.session, item, form.decision.data, form.reason.data, actor=current_user.email)
        except ReviewError:
            db.session.rollback()
            flash(_("This flag has already been decided."), "error")
            return redirect(url_for(".flag", flag_id=flag_id), 303)
        flash(_("Decision recorded."))
        return redirect(url_for(".flags", period=item.period), 303)
    if form.errors:
        status = 422
    row = flag_row(item, held_counts(db.session, [item.id]).get(item.id, 0))
    return render_template("auditor/flag.html", form=form, row=row, flag=item, **_labels()), status
