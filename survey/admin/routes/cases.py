"""Completed cases uploaded as CSV, and printable invitation sheets for counter handout."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.agencies import parent_choices
from survey.admin.forms import NO_AGENCY, CaseUploadForm, InvitationFilterForm, with_none
from survey.admin.invitations import (
    SHEET_LIMIT,
    cards,
    decode_batch,
    encode_batch,
    mark_printed,
    open_cases,
    upload_cases,
)
from survey.admin.pages import form_status
from survey.admin.uploads import UploadError, read_upload
from survey.authz import admin_required
from survey.i18n import current_locale
from survey.intake import verify_url


@bp.route("/cases/upload", methods=["GET", "POST"])
@admin_required
def cases_upload():
    form = CaseUploadForm()
    if form.validate_on_submit():
        try:
            result = upload_cases(read_upload(request.files.get(form.file.name)))
        except UploadError as problem:
            form.file.errors = [str(problem)]
        else:
            batch = encode_batch(result.case_ids) if result.case_ids else None
            return render_template("admin/cases/report.html", report=result.report, batch=batch)
    return render_template("admin/cases/upload.html", form=form), form_status(form)


def _filter_form() -> InvitationFilterForm:
    form = InvitationFilterForm(request.args)
    form.agency_id.choices = with_none(_("Choose an agency"), parent_choices())
    return form


@bp.get("/cases/invitations")
@admin_required
def cases_invitations():
    form = _filter_form()
    return render_template("admin/cases/invitations.html", form=form)


@bp.get("/cases/invitations/sheet")
@admin_required
def cases_sheet():
    if "batch" in request.args:
        cases = open_cases(case_ids=decode_batch(request.args["batch"]))
        filters: dict = {"batch": True}
    else:
        form = _filter_form()
        if not form.validate():
            return render_template("admin/cases/invitations.html", form=form), 422
        agency_id = form.agency_id.data if form.agency_id.data != NO_AGENCY else None
        cases = open_cases(
            agency_id=agency_id, completed_from=form.completed_from.data, completed_to=form.completed_to.data
        )
        filters = {"completed_from": str(form.completed_from.data), "completed_to": str(form.completed_to.data)}
    mark_printed(cases, filters)
    full = len(cases) >= SHEET_LIMIT
    return render_template(
        "admin/cases/sheet.html",
        cards=cards(cases, current_locale()),
        limit=SHEET_LIMIT,
        full=full,
        verify_url=verify_url().split("://", 1)[-1],
    )
