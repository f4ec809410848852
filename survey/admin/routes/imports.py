"""Bulk CSV import of agencies, services and users: upload → preview (stores nothing) → confirm."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from survey.admin import bp
from survey.admin.forms import ConfirmImportForm, UploadForm
from survey.admin.import_kinds import KINDS, ImportKind
from survey.admin.imports import load_payload, preview, sign_payload, store
from survey.admin.uploads import UploadError, read_upload
from survey.authz import admin_required

KIND_ROUTE = "/import/<any(agencies, services, users):kind>"


def _upload_page(kind: ImportKind, form: UploadForm, problem: UploadError | None = None):
    if problem is not None:
        form.file.errors = [str(problem)]
    return render_template("admin/imports/upload.html", kind=kind, form=form), 200 if problem is None else 422


@bp.get(KIND_ROUTE)
@admin_required
def imports(kind: str):
    return _upload_page(KINDS[kind], UploadForm())


@bp.post(KIND_ROUTE)
@admin_required
def imports_preview(kind: str):
    spec = KINDS[kind]
    form = UploadForm()
    try:
        text = read_upload(request.files.get(form.file.name))
        result = preview(spec, text)
    except UploadError as problem:
        return _upload_page(spec, form, problem)
    confirm = ConfirmImportForm(payload=sign_payload(spec, current_user.id, text))
    return render_template("admin/imports/preview.html", kind=spec, result=result, confirm=confirm)


@bp.post(KIND_ROUTE + "/confirm")
@admin_required
def imports_confirm(kind: str):
    spec = KINDS[kind]
    form = ConfirmImportForm()
    try:
        result = store(spec, load_payload(spec, current_user.id, form.payload.data or ""))
    except UploadError as problem:
        return _upload_page(spec, UploadForm(), problem)
    return render_template("admin/imports/report.html", kind=spec, result=result)
