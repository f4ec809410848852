"""Public pages for the press and citizens: published league tables and open data."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from survey.public import routes  # noqa: E402,F401
