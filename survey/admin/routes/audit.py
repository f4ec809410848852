"""The audit log, read-only: there is deliberately no route that edits or deletes an entry."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.audit_log import audit_page, known_actions, pretty
from survey.admin.forms import AuditFilterForm, options
from survey.authz import admin_required
from survey.bounds import small_int


@bp.get("/audit")
@admin_required
def audit():
    form = AuditFilterForm(request.args)
    form.action.choices = options([("", _("All actions")), *((name, name) for name in known_actions())])
    page = request.args.get("page", 1, type=int)  # not a number: the first page, as before
    if small_int(str(abs(page)), max_digits=6) is None:
        abort(404)  # far past any real page; the database would refuse the OFFSET
    entries = audit_page(form.action.data or "", form.actor.data or "", max(page, 1))
    return render_template("admin/audit.html", form=form, entries=entries, pretty=pretty)
