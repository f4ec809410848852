"""Managers' views: thin wrappers around figures, inbox, triage and plans.

GET views need a staff role (viewers read); POST views need manager or admin.
Every id from a URL, form or filter is checked against the user's subtree: 404 outside.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from survey.audit import record
from survey.audit_words import changes_in_words
from survey.auth.signin import actor
from survey.authz import manager_required, staff_required
from survey.bounds import small_int
from survey.extensions import db
from survey.i18n import current_locale
from survey.manage import bp
from survey.manage.args import id_arg, page_arg
from survey.manage.choices import (
    agency_choices,
    assignable_users,
    assignee_choices,
    period_choices,
    service_choices,
)
from survey.manage.comparison import channel_comparison, comments_by_service, flagged_below, service_comparison
from survey.manage.export import csv_lines
from survey.manage.figures import (
    current_flag,
    driver_breakdown,
    factor_trend,
    live_figures,
    observed_and_expected,
    subagency_figures,
    trend,
    worst_services,
)
from survey.manage.forms import (
    AgencyPickerForm,
    BulkForm,
    InboxFilterForm,
    TriageForm,
)
from survey.manage.inbox import (
    comment_counts,
    comment_in_scope,
    filters_from_args,
    inbox_query,
    page_of,
    service_names,
)
from survey.manage.plans import (
    plans_for,
)
from survey.manage.scope import chosen_agency, scope_ids, visible_agencies
from survey.manage.triage import Triage, TriageError, apply_triage, bulk_status, feedback_of, state_of
from survey.models import Agency, AuditLog, Service
from survey.models.agency import subtree_ids
from survey.public import formatting
from survey.vocabulary import (
    BAND_LABELS,
    CASE_CHANNELS,
    DRIVER_LABELS,
    FACTOR_LABELS,
    FEEDBACK_STATUS_LABELS,
    PLAN_STATUS_LABELS,
    RATING_LABELS,
    REVIEW_STATE_LABELS,
)

DRIVER_WINDOW = timedelta(days=90)  # enough answers per driver even early in a month


@bp.after_request
def never_cache(response):
    # Staff pages hold unpublished figures and comments: keep them out of shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def labels() -> dict:
    return {
        "band_labels": BAND_LABELS,
        "driver_labels": {**DRIVER_LABELS, **FACTOR_LABELS},  # plans filed before the SIPAS factors name questions
        "status_labels": FEEDBACK_STATUS_LABELS,
        "plan_status_labels": PLAN_STATUS_LABELS,
        "review_state_labels": REVIEW_STATE_LABELS,
        "rating_labels": RATING_LABELS,
        "can_change": current_user.is_authenticated and current_user.role in ("admin", "manager"),
        "fmt": formatting,
    }


@bp.get("/")
@staff_required
def dashboard():
    agency = chosen_agency(current_user, id_arg("agency"))
    locale = current_locale()
    now = datetime.now(UTC)
    picker = AgencyPickerForm(formdata=None, agency=str(agency.id))
    picker.agency.choices = agency_choices(visible_agencies(current_user), locale)
    flag = current_flag(agency)
    plans = plans_for([agency.id])
    points = trend(agency)
    start = now - DRIVER_WINDOW
    by_service = service_comparison(agency, start, now)
    return render_template(
        "manage/dashboard.html",
        agency=agency,
        picker=picker,
        live=live_figures(agency, now),
        subagencies=subagency_figures(agency, now),
        trend=points,
        why=observed_and_expected(points),
        drivers=driver_breakdown([agency.id], now - DRIVER_WINDOW, now),
        factor_trend=factor_trend([agency.id], now),
        services=worst_services([agency.id], now - DRIVER_WINDOW, now),
        flag=flag,
        flag_plan=next((p for p in plans if flag and p.snapshot_id == flag.snapshot.id), None),
        plans=plans,
        window_days=DRIVER_WINDOW.days,
        comments=comment_counts(subtree_ids(agency.id)),
        by_service=by_service,
        by_channel=channel_comparison(agency, start, now),
        service_comments=comments_by_service(agency, start, now),
        flagged_below=flagged_below(agency),
        channel_labels=CASE_CHANNELS,
    )


def inbox_filter_form() -> InboxFilterForm:
    locale = current_locale()
    form = InboxFilterForm(formdata=request.args)
    form.period.choices = period_choices(datetime.now(UTC), request.args.get("period"))
    form.agency.choices = [
        SelectChoice("", _("All my agencies")),
        *agency_choices(visible_agencies(current_user), locale),
    ]
    form.service.choices = service_choices(locale)
    return form


def filter_args() -> dict[str, str]:
    keys = ("period", "agency", "service", "rating", "status", "q")
    return {key: request.args[key] for key in keys if request.args.get(key)}


@bp.get("/inbox")
@staff_required
def inbox():
    scope = scope_ids(current_user)
    filters = filters_from_args(request.args, scope)
    page = page_of(inbox_query(scope, filters), page_arg())
    return render_template(
        "manage/inbox.html",
        form=inbox_filter_form(),
        page=page,
        bulk=BulkForm(),
        args=filter_args(),
        back=request.full_path,
        services=service_names({row[3] for row in page.rows}, current_locale()),
        # One agency in scope (a ward manager): its code on every row says nothing.
        one_agency=scope is not None and len(scope) == 1,
    )


@bp.get("/inbox/export.csv")
@staff_required
def export():
    scope = scope_ids(current_user)
    filters = filters_from_args(request.args, scope)
    record(actor(current_user), "feedback.export", "inbox", after=filter_args())
    db.session.commit()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(csv_lines(inbox_query(scope, filters))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="comments-{stamp}.csv"'},
    )


def inbox_path(target: str | None) -> str:
    """``target`` if it is a path of the inbox (a filtered list to return to), else the inbox."""
    home = url_for("manage.inbox")
    if target and target.startswith(home) and "//" not in target and "\\" not in target:
        return target
    return home


def back_to_inbox() -> str:
    return inbox_path(request.form.get("back"))


def parse_ids(values: list[str]) -> list[int]:
    ids = [small_int(v) for v in values]
    if not ids or len(ids) > 500 or None in ids:
        abort(400)
    return sorted(set(ids))


@bp.post("/inbox/bulk")
@manager_required
def bulk():
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400)
    scope = scope_ids(current_user)
    responses = [comment_in_scope(i, scope) for i in parse_ids(request.form.getlist("ids"))]
    if any(r is None for r in responses):
        abort(404)  # one foreign id refuses the whole batch: nothing is changed
    changed, skipped = bulk_status(responses, form.action.data, current_user._get_current_object())
    flash(ngettext("%(num)d comment updated.", "%(num)d comments updated.", changed))
    if skipped:
        flash(
            ngettext(
                "%(num)d comment could not take that status.",
                "%(num)d comments could not take that status.",
                skipped,
            )
        )
    return redirect(back_to_inbox(), code=303)


def triage_form(response, scope, formdata=None) -> TriageForm:
    state = state_of(feedback_of(response))
    form = TriageForm(
        formdata=formdata,
        status=state["status"],
        assignee=str(state["assignee_id"] or ""),
        tags=state["tags"].replace(",", ", "),
        reply=state["reply"] or "",
        reply_public=state["reply_public"],
    )
    form.assignee.choices = assignee_choices(assignable_users(scope))
    return form


def comment_page(response, form: TriageForm, status: int = 200):
    history = db.session.scalars(
        select(AuditLog).where(AuditLog.target == f"response:{response.id}").order_by(AuditLog.at.desc())
    ).all()
    return render_template(
        "manage/comment.html",
        response=response,
        agency=db.session.get(Agency, response.agency_id),
        service=db.session.get(Service, response.service_id),
        feedback=feedback_of(response),
        form=form,
        history=history,
        changes_in_words=changes_in_words,
        back=inbox_path(request.args.get("back") or request.form.get("back")),
    ), status


def load_comment(response_id: int):
    response = comment_in_scope(response_id, scope_ids(current_user))
    if response is None:
        abort(404)
    return response


@bp.get("/inbox/<int:response_id>")
@staff_required
def comment(response_id: int):
    response = load_comment(response_id)
    return comment_page(response, triage_form(response, scope_ids(current_user)))


@bp.post("/inbox/<int:response_id>")
@manager_required
def triage(response_id: int):
    response = load_comment(response_id)
    scope = scope_ids(current_user)
    form = triage_form(response, scope, formdata=request.form)
    assignee_id = None
    if raw := request.form.get("assignee", "").strip():
        allowed = {str(u.id) for u in assignable_users(scope)}
        if raw not in allowed:
            abort(404)  # a user outside the subtree cannot be given a comment
        assignee_id = int(raw)
    if form.validate_on_submit():
        wanted = Triage(
            status=form.status.data,
            assignee_id=assignee_id,
            tags=form.tags.data or "",
            reply=form.reply.data or "",
            reply_public=bool(form.reply_public.data),
        )
        try:
            apply_triage(response, wanted, current_user._get_current_object())
        except TriageError as error:
            form.form_errors.append(str(error.message))
        else:
            flash(_("Saved."))
            return redirect(url_for("manage.comment", response_id=response.id), code=303)
    return comment_page(response, form, 422)
