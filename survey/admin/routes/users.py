"""Staff accounts: list, create, edit role/agency/active, issue a set-password link."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from survey.admin import bp
from survey.admin.accounts import AccountRuleError, all_users, create_user, issue_password_reset, update_user
from survey.admin.agencies import parent_choices
from survey.admin.forms import NO_AGENCY, UserForm, with_none
from survey.admin.pages import form_status
from survey.authz import admin_required
from survey.extensions import db
from survey.models import User


def _form(editing: User | None = None) -> UserForm:
    form = UserForm(obj=editing)
    form.already_admin = editing is not None and editing.role == "admin"
    form.agency_id.choices = with_none(_("None (administrators only)"), parent_choices())
    if editing is None:
        del form.active  # new accounts start active
    else:
        del form.email  # the sign-in name; a different person gets a new account
        if not form.is_submitted():
            form.agency_id.data = editing.agency_id or NO_AGENCY
    return form


def _values(form: UserForm) -> dict:
    return {
        "name": form.name.data,
        "role": form.role.data,
        "agency_id": form.agency_id.data or None,
        "active": form.active.data if "active" in form else True,
    }


@bp.get("/users")
@admin_required
def users():
    return render_template("admin/users/list.html", users=all_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def users_new():
    form = _form()
    if form.validate_on_submit():
        user = create_user(_values(form) | {"email": form.email.data})
        flash(_("Account %(email)s was created and sent a link to set its password.", email=user.email))
        return redirect(url_for(".users"), 303)
    return render_template("admin/users/form.html", form=form, user=None), form_status(form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def users_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _form(user)
    if form.validate_on_submit():
        try:
            changed = update_user(user, _values(form))
        except AccountRuleError as refusal:
            form.role.errors = [*form.role.errors, str(refusal)]
        else:
            flash(_("Account %(email)s was saved.", email=user.email) if changed else _("Nothing was changed."))
            return redirect(url_for(".users"), 303)
    return render_template("admin/users/form.html", form=form, user=user), form_status(form)


@bp.post("/users/<int:user_id>/reset-password")
@admin_required
def users_reset(user_id: int):
    user = db.get_or_404(User, user_id)
    issue_password_reset(user)
    flash(
        _(
            "%(email)s was signed out and sent a link to set a new password; the old one no longer works.",
            email=user.email,
        )
    )
    return redirect(url_for(".users"), 303)
