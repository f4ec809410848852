"""Staff sign-in, sign-out and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from survey.auth import routes  # noqa: E402,F401
