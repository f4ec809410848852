"""The publication schedule (configured cron expressions, next runs) and publishing a period now."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ranking.periods import parse_period
from survey.admin import bp
from survey.admin.forms import PublishForm
from survey.admin.publishing import (
    publication_plan,
    publish_now,
    recent_snapshots,
    run_in_words,
    schedule,
    scheduler_status,
)
from survey.authz import admin_required
from survey.publication import PublicationError, PublishResult


def _page(form: PublishForm):
    return render_template(
        "admin/schedule.html",
        form=form,
        entries=schedule(),
        status=scheduler_status(),
        snapshots=recent_snapshots(),
        run_in_words=run_in_words,
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
    form = PublishForm(request.args) if request.args.get("period") else PublishForm()
    return _page(form)


NOT_ENDED = _l("This period has not ended yet. Tick “Provisional” to publish it early, marked as provisional.")


@bp.post("/schedule/publish")
@admin_required
def schedule_publish():
    """First post: the check-your-answers page. Second post (confirmed): the publication, which cannot be undone."""
    form = PublishForm()
    if form.validate_on_submit():
        ended = parse_period(form.period.data).has_ended(datetime.now(UTC))
        if not ended and not form.provisional.data:
            form.provisional.errors = [str(NOT_ENDED)]
            return _page(form), 422
        if form.confirmed.data != "yes":
            plan = publication_plan(form.period.data, bool(form.provisional.data))
            return render_template("admin/schedule_check.html", form=form, plan=plan)
        try:
            results = publish_now(form.period.data, form.provisional.data)
        except PublicationError:
            form.provisional.errors = [str(NOT_ENDED)]
        else:
            for result in results:
                flash(_describe(result))
            if not results:
                flash(_("There is no peer group to publish."))
            return redirect(url_for(".schedule_page"), 303)
    return _page(form), 422
