"""The publication schedule (configured cron expressions, next runs) and publishing a period now."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.forms import PublishForm
from survey.admin.publishing import publish_now, recent_snapshots, schedule, scheduler_status
from survey.authz import admin_required
from survey.publication import PublicationError, PublishResult


def _page(form: PublishForm):
    return render_template(
        "admin/schedule.html",
        form=form,
        entries=schedule(),
        status=scheduler_status(),
        snapshots=recent_snapshots(),
    )


def _describe(result: PublishResult) -> str:
    if result.created:
        return _("%(period)s, %(group)s: published.", period=result.period, group=result.peer_group)
    reasons = {"already published": _("already published"), "no responses in this period": _("no responses")}
    return _(
        "%(period)s, %(group)s: skipped (%(reason)s).",
        period=result.period,
        group=result.peer_group,
        reason=reasons.get(result.reason, result.reason),
    )


@bp.get("/schedule")
@admin_required
def schedule_page():
    return _page(PublishForm())


@bp.post("/schedule/publish")
@admin_required
def schedule_publish():
    form = PublishForm()
    if form.validate_on_submit():
        try:
            results = publish_now(form.period.data, form.provisional.data)
        except PublicationError:
            form.provisional.errors = [
                _("This period has not ended yet. Tick “Provisional” to publish it early, marked as provisional.")
            ]
        else:
            for result in results:
                flash(_describe(result))
            if not results:
                flash(_("There is no peer group to publish."))
            return redirect(url_for(".schedule_page"), 303)
    return _page(form), 422
