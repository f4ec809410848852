"""Agencies: tree, create, edit, deactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.agencies import (
    agency_tree,
    create_agency,
    deactivate_agency,
    possible_parents,
    search_agencies,
    update_agency,
)
from survey.admin.forms import NO_AGENCY, AgencyForm, options, with_none
from survey.admin.pages import form_status
from survey.admin.peer_groups import peer_group_choices
from survey.authz import admin_required
from survey.extensions import db
from survey.i18n import current_locale
from survey.models import Agency

SEARCH_MAX = 100


def _form(editing: Agency | None = None) -> AgencyForm:
    form = AgencyForm(obj=editing)
    parents, form.parent_kinds = possible_parents(editing)
    form.parent_id.choices = with_none(_("None (under the city)"), parents)
    form.peer_group.choices = options(peer_group_choices(current_locale()))
    if editing is not None:
        del form.code  # codes are fixed once created
        if not form.is_submitted():
            form.parent_id.data = editing.parent_id or NO_AGENCY
    return form


def _values(form: AgencyForm) -> dict:
    return {
        "name_vi": form.name_vi.data,
        "name_en": form.name_en.data,
        "kind": form.kind.data,
        "parent_id": form.parent_id.data or None,
        "peer_group": form.peer_group.data,
        "active": form.active.data,
    }


@bp.get("/agencies")
@admin_required
def agencies():
    text = (request.args.get("q") or "").strip()
    if len(text) > SEARCH_MAX:
        abort(400)
    if text:
        return render_template("admin/agencies/list.html", tree={}, q=text, found=search_agencies(text))
    return render_template("admin/agencies/list.html", tree=agency_tree(), q="", found=None)


@bp.route("/agencies/new", methods=["GET", "POST"])
@admin_required
def agencies_new():
    form = _form()
    if form.validate_on_submit():
        agency = create_agency(_values(form) | {"code": form.code.data})
        flash(_("Agency %(code)s was created.", code=agency.code))
        return redirect(url_for(".agencies"), 303)
    return render_template("admin/agencies/form.html", form=form, agency=None), form_status(form)


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@admin_required
def agencies_edit(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    form = _form(agency)
    if form.validate_on_submit():
        changed = update_agency(agency, _values(form))
        flash(_("Agency %(code)s was saved.", code=agency.code) if changed else _("Nothing was changed."))
        return redirect(url_for(".agencies"), 303)
    return render_template("admin/agencies/form.html", form=form, agency=agency), form_status(form)


@bp.post("/agencies/<int:agency_id>/deactivate")
@admin_required
def agencies_deactivate(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    if deactivate_agency(agency):
        flash(_("Agency %(code)s was deactivated: it accepts no new cases.", code=agency.code))
    return redirect(url_for(".agencies"), 303)
