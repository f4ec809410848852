"""The audit log, read-only: there is deliberately no route that edits or deletes an entry."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.audit_log import AuditFilter, audit_page, csv_lines, known_actions, local_time
from survey.admin.forms import AuditFilterForm, options
from survey.audit_words import action_name, changes_in_words, target_names
from survey.authz import admin_required
from survey.bounds import small_int


def _filter_form() -> tuple[AuditFilterForm, AuditFilter]:
    """The form bound to the query string; a bad filter is a 400 with the form's messages, nothing read."""
    form = AuditFilterForm(request.args)
    names = sorted(((code, action_name(code)) for code in known_actions()), key=lambda pair: pair[1].lower())
    form.action.choices = options([("", _("All actions")), *names])
    if request.args and not form.validate():
        return form, None
    wanted = AuditFilter(
        action=form.action.data or "",
        actor=form.actor.data or "",
        since=form.since.data,
        until=form.until.data,
        events=form.events.data or "changes",
    )
    return form, wanted


@bp.get("/audit")
@admin_required
def audit():
    form, wanted = _filter_form()
    page = request.args.get("page", 1, type=int)  # not a number: the first page, as before
    if small_int(str(abs(page)), max_digits=6) is None:
        abort(404)  # far past any real page; the database would refuse the OFFSET
    if wanted is None:
        return render_template("admin/audit.html", form=form, entries=None), 400
    entries = audit_page(wanted, max(page, 1))
    return render_template(
        "admin/audit.html",
        form=form,
        entries=entries,
        names=target_names(entries.items),
        action_name=action_name,
        changes=changes_in_words,
        local_time=local_time,
        export_args={key: value for key, value in request.args.items() if key != "page"},
    )


@bp.get("/audit.csv")
@admin_required
def audit_export():
    _form, wanted = _filter_form()
    if wanted is None:
        abort(400)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(csv_lines(wanted)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
