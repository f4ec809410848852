"""Sign-in, sign-out (here or everywhere) and password reset views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from survey.auth import bp
from survey.auth.forms import NewPasswordForm, ResetRequestForm, SignInForm
from survey.auth.reset import complete_reset, find_reset, request_reset
from survey.auth.signin import authenticate
from survey.auth.signin import sign_out_everywhere as bump_session_version
from survey.authz import staff_required
from survey.extensions import db, limiter
from survey.i18n import current_locale
from survey.sessions import end_session, open_session

DEFAULT_AUTH_LIMIT = "10 per minute; 50 per hour"


def auth_limit() -> str:
    """Per-IP limit on credential POSTs (sign-in, reset); override with RATELIMIT_AUTH."""
    return current_app.config.get("RATELIMIT_AUTH", DEFAULT_AUTH_LIMIT)


def safe_next(target: str | None) -> str | None:
    """Only same-site paths, so a crafted link cannot bounce a fresh session to another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def home_for(user) -> str:
    """Where a sign-in without a ``next`` lands: administrators administer, auditors review flags
    (they have no /manage dashboard), everyone else manages."""
    homes = {"admin": "admin.index", "auditor": "auditor.flags"}
    return url_for(homes.get(user.role, "manage.dashboard"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def sign_in():
    requested = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(requested or home_for(current_user))
    form = SignInForm()
    failed, retry_after = False, 0
    if form.validate_on_submit():
        result = authenticate(form.email.data, form.password.data, request.remote_addr or "")
        if result.ok:
            session.clear()  # a fresh session on privilege change (no fixation)
            open_session(result.user)
            result.user.locale = current_locale()  # e-mails to this person follow the language they use
            db.session.commit()
            login_user(result.user)
            return redirect(requested or home_for(result.user), code=303)
        failed, retry_after = True, result.retry_after
    status = 429 if retry_after else 422 if form.errors else 200
    page = render_template("auth/sign_in.html", form=form, failed=failed, retry_after=retry_after)
    return page, status, {"Retry-After": str(retry_after)} if retry_after else {}


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        end_session(current_user.get_id())  # every copy of this cookie stops working
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("auth.sign_in"), code=303)


@bp.post("/sign-out-everywhere")
@staff_required
def sign_out_everywhere():
    bump_session_version(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have been signed out on every device."))
    return redirect(url_for("auth.sign_in"), code=303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_reset(form.email.data, current_locale())
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def reset_password(token: str):
    if find_reset(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        if complete_reset(token, form.password.data) is None:
            return render_template("auth/reset_invalid.html"), 404
        flash(_("Your password has been changed. Please sign in."))
        return redirect(url_for("auth.sign_in"), code=303)
    # The page sets <meta name="referrer" content="no-referrer">: its URL holds the token.
    return render_template("auth/reset_password.html", form=form, token=token), 422 if form.errors else 200
