"""The agency managers' workspace: dashboard, comment inbox and action plans."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from survey.manage import plan_routes, routes  # noqa: E402,F401
