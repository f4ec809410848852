"""Peer groups: the list, with the number of agencies in each, and a form to add one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.forms import PeerGroupForm
from survey.admin.pages import form_status
from survey.admin.peer_groups import create_peer_group, group_sizes, managed_groups
from survey.authz import admin_required


@bp.route("/peer-groups", methods=["GET", "POST"])
@admin_required
def peer_groups():
    form = PeerGroupForm()
    if form.validate_on_submit():
        group = create_peer_group({"code": form.code.data, "name_vi": form.name_vi.data, "name_en": form.name_en.data})
        flash(_("Peer group %(code)s was added; agencies can now be placed in it.", code=group.code))
        return redirect(url_for(".peer_groups"), 303)
    page = render_template("admin/peer_groups.html", form=form, groups=managed_groups(), sizes=group_sizes())
    return page, form_status(form)
