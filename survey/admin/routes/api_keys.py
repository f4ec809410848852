"""API keys: list, create (the plain key is shown once, on the response to the POST), revoke."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.agencies import parent_choices, search_agencies
from survey.admin.forms import ApiKeyForm, options
from survey.admin.keys import all_keys, create_key, revoke_key, scope_ids
from survey.admin.pages import form_status
from survey.authz import admin_required
from survey.extensions import db
from survey.models import ApiKey


@bp.get("/api-keys")
@admin_required
def api_keys():
    return render_template("admin/api_keys/list.html", keys=all_keys())


@bp.route("/api-keys/new", methods=["GET", "POST"])
@admin_required
def api_keys_new():
    form = ApiKeyForm()
    form.agencies.choices = options(parent_choices())
    # A search step instead of a 300-line select: "Find" posts the form back with the list narrowed to
    # the matches plus whatever is already ticked, so choices survive several searches without JavaScript.
    query = " ".join(request.form.get("q", "").split())[:100]
    shown = {agency.id for agency in search_agencies(query)} if query else None
    if request.method == "POST" and request.form.get("action") == "find":  # nothing is created
        return render_template("admin/api_keys/form.html", form=form, query=query, shown=shown)
    if form.validate_on_submit():
        agency_ids = set() if form.all_agencies.data else scope_ids(form.agencies.data, form.include_subagencies.data)
        key, plain = create_key(form.name.data, agency_ids)
        # Rendered, not redirected: the plain key exists only in this response (never stored, never cached).
        return render_template("admin/api_keys/created.html", key=key, plain=plain), 201
    return render_template("admin/api_keys/form.html", form=form, query=query, shown=shown), form_status(form)


@bp.post("/api-keys/<int:key_id>/revoke")
@admin_required
def api_keys_revoke(key_id: int):
    key = db.get_or_404(ApiKey, key_id)
    if revoke_key(key):
        flash(_("Key %(prefix)s… was revoked; case systems using it are now refused.", prefix=key.prefix))
    return redirect(url_for(".api_keys"), 303)


@bp.post("/api-keys/<int:key_id>/revoke-and-hold")
@admin_required
def api_keys_revoke_and_hold(key_id: int):
    """Revoke, and hold every answer to the key's links for the auditor."""
    key = db.get_or_404(ApiKey, key_id)
    if revoke_key(key, hold_answered=True):
        flash(_("Key %(prefix)s… was revoked and its answers are held for review.", prefix=key.prefix))
    return redirect(url_for(".api_keys"), 303)
