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
from survey.audit_words import action_name, changes_in_words
from survey.auth.signin import actor
from survey.authz import manager_required, require_agency, staff_required
from survey.bounds import small_int
from survey.extensions import db
from survey.i18n import current_locale
from survey.manage import bp
from survey.manage.choices import (
    agency_choices,
    assignable_users,
    assignee_choices,
    period_choices,
    plan_service_choices,
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
    PlanForm,
    ProgressForm,
    ReviewForm,
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
    PlanContent,
    ReviewError,
    add_progress,
    can_review,
    file_plan,
    plans_for,
    plans_to_review,
    review_plan,
    revise_plan,
)
from survey.manage.scope import chosen_agency, scope_ids, visible_agencies
from survey.manage.triage import Triage, TriageError, apply_triage, bulk_status, feedback_of, state_of
from survey.models import ActionPlan, Agency, AuditLog, Service
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


def id_arg(name: str) -> int | None:
    """An id from the query string; anything but digits is treated as an unknown id (404)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = small_int(raw)
    if value is None:
        abort(404)
    return value


def page_arg() -> int:
    return small_int(request.args.get("page"), max_digits=6) or 1


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


@bp.get("/plans")
@staff_required
def plans():
    agency_id = id_arg("agency")
    scope = scope_ids(current_user)
    if agency_id is not None:
        require_agency(agency_id)
        ids = [agency_id]
    else:
        ids = scope if scope is not None else [a.id for a in visible_agencies(current_user)]
    return render_template("manage/plans.html", plans=plans_for(ids))


def plan_form(formdata=None, agency_id: int | None = None, **data) -> PlanForm:
    form = PlanForm(formdata=formdata, agency=str(agency_id or ""), **data)
    locale = current_locale()
    form.agency.choices = agency_choices(visible_agencies(current_user), locale)
    form.services.choices = plan_service_choices(agency_id, locale) if agency_id else []
    return form


def plan_content(form: PlanForm) -> PlanContent:
    chosen = set(form.services.data or [])
    services = [s for s in db.session.scalars(select(Service).where(Service.id.in_(chosen)))] if chosen else []
    return PlanContent(
        what=form.what.data,
        target=form.target.data,
        measure=form.measure.data,
        owner=form.owner.data,
        due_on=form.due_on.data,
        services=services,
        drivers=list(form.drivers.data or []),
    )


def preselected(name: str, allowed: set) -> list:
    """Services or drivers named in the link that led here (from a flagged row of the dashboard)."""
    values = request.args.getlist(name)
    if name == "service":
        values = [small_int(v) for v in values]
    return [v for v in values if v in allowed]


@bp.get("/plans/new")
@manager_required
def new_plan():
    agency = chosen_agency(current_user, id_arg("agency"))
    form = plan_form(agency_id=agency.id)
    form.services.data = preselected("service", {choice.value for choice in form.services.choices})
    form.drivers.data = preselected("driver", set(FACTOR_LABELS))
    return render_template("manage/plan_new.html", form=form, flag=current_flag(agency), agency=agency)


@bp.post("/plans/new")
@manager_required
def create_plan():
    agency_id = small_int(request.form.get("agency"))
    if agency_id is None:
        abort(404)
    agency = chosen_agency(current_user, agency_id)  # 404 outside the subtree
    form = plan_form(formdata=request.form, agency_id=agency.id)
    flag = current_flag(agency)
    if form.validate_on_submit():
        plan = file_plan(
            agency, current_user._get_current_object(), plan_content(form), flag.snapshot if flag else None
        )
        flash(_("The action plan has been filed. It will be published once the parent agency has reviewed it."))
        return redirect(url_for("manage.plan", plan_id=plan.id), code=303)
    return render_template("manage/plan_new.html", form=form, flag=flag, agency=agency), 422


def load_plan(plan_id: int) -> ActionPlan:
    plan = db.session.get(ActionPlan, plan_id)
    if plan is None:
        abort(404)
    require_agency(plan.agency_id)
    return plan


def plan_page(found: ActionPlan, progress: ProgressForm | None = None, review: ReviewForm | None = None, status=200):
    user = current_user._get_current_object()
    return render_template(
        "manage/plan.html",
        plan=found,
        form=progress or ProgressForm(formdata=None, status=found.status),
        review=review or ReviewForm(formdata=None),
        may_review=found.review_state == "under_review" and can_review(user, found),
        history=plan_history(found),
        changes_in_words=changes_in_words,
        action_name=action_name,
    ), status


def plan_history(found: ActionPlan) -> list[AuditLog]:
    query = select(AuditLog).where(AuditLog.target == f"action_plan:{found.id}").order_by(AuditLog.id)
    return list(db.session.scalars(query))


@bp.get("/plans/<int:plan_id>")
@staff_required
def plan(plan_id: int):
    return plan_page(load_plan(plan_id))


@bp.post("/plans/<int:plan_id>/progress")
@manager_required
def plan_progress(plan_id: int):
    found = load_plan(plan_id)
    form = ProgressForm()
    if form.validate_on_submit():
        add_progress(found, current_user._get_current_object(), form.note.data, form.status.data)
        flash(_("Progress note added."))
        return redirect(url_for("manage.plan", plan_id=found.id), code=303)
    return plan_page(found, progress=form, status=422)


@bp.post("/plans/<int:plan_id>/review")
@manager_required
def review(plan_id: int):
    found = load_plan(plan_id)
    user = current_user._get_current_object()
    if not can_review(user, found):
        abort(403)
    form = ReviewForm()
    if form.validate_on_submit():
        approve = form.decision.data == "publish"
        try:
            review_plan(found, user, approve, form.note.data or "")
        except ReviewError:
            form.form_errors.append(_("This plan is no longer waiting for review."))
        else:
            flash(_("The plan is published.") if approve else _("The plan has been sent back with your note."))
            return redirect(url_for("manage.plan", plan_id=found.id), code=303)
    return plan_page(found, review=form, status=422)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@manager_required
def edit_plan(plan_id: int):
    found = load_plan(plan_id)
    if found.review_state == "published":
        abort(404)  # a published plan changes by progress notes, not by rewriting it
    values = {
        "what": found.what,
        "target": found.target,
        "measure": found.measure,
        "owner": found.owner,
        "due_on": found.due_on,
        "services": [s.id for s in found.services],
        "drivers": list(found.drivers or []),
    }
    formdata = request.form if request.method == "POST" else None
    form = plan_form(formdata=formdata, agency_id=found.agency_id, **({} if formdata else values))
    if request.method == "POST" and form.validate_on_submit():
        revise_plan(found, current_user._get_current_object(), plan_content(form))
        flash(_("The plan has been changed and sent for review again."))
        return redirect(url_for("manage.plan", plan_id=found.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("manage/plan_edit.html", form=form, plan=found), status


@bp.get("/plans/review")
@manager_required
def plans_review():
    user = current_user._get_current_object()
    return render_template("manage/plans_review.html", plans=plans_to_review(user, scope_ids(user)))
