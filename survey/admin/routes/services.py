"""Services (procedures): list, create, edit."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.forms import ServiceForm
from survey.admin.pages import form_status
from survey.admin.procedures import all_services, create_service, update_service
from survey.authz import admin_required
from survey.extensions import db
from survey.models import Service


def _values(form: ServiceForm) -> dict:
    return {
        "name_vi": form.name_vi.data,
        "name_en": form.name_en.data,
        "category": form.category.data,
        "committed_days": int(form.committed_days.data),
        "active": form.active.data,
    }


@bp.get("/services")
@admin_required
def services():
    return render_template("admin/services/list.html", services=all_services())


@bp.route("/services/new", methods=["GET", "POST"])
@admin_required
def services_new():
    form = ServiceForm()
    if form.validate_on_submit():
        service = create_service(_values(form) | {"code": form.code.data})
        flash(_("Service %(code)s was created.", code=service.code))
        return redirect(url_for(".services"), 303)
    return render_template("admin/services/form.html", form=form, service=None), form_status(form)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@admin_required
def services_edit(service_id: int):
    service = db.get_or_404(Service, service_id)
    form = ServiceForm(obj=service)
    del form.code  # integrators post this code; it never changes
    if form.validate_on_submit():
        changed = update_service(service, _values(form))
        flash(_("Service %(code)s was saved.", code=service.code) if changed else _("Nothing was changed."))
        return redirect(url_for(".services"), 303)
    return render_template("admin/services/form.html", form=form, service=service), form_status(form)
