"""Managers' action-plan views: file, read, add progress, review, change, and the review queue.

Every plan id is checked against the user's subtree (404 outside); filing, progress and review
need manager or admin, and review also the rule in ``survey.manage.plans.can_review``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.audit_words import action_name, changes_in_words
from survey.authz import manager_required, require_agency, staff_required
from survey.bounds import small_int
from survey.extensions import db
from survey.i18n import current_locale
from survey.manage import bp
from survey.manage.args import id_arg
from survey.manage.choices import agency_choices, plan_service_choices
from survey.manage.figures import current_flag
from survey.manage.forms import PlanForm, ProgressForm, ReviewForm
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
from survey.models import ActionPlan, AuditLog, Service
from survey.vocabulary import FACTOR_LABELS


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
