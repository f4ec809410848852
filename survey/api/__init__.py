"""Versioned JSON API: case intake for integrators, reference lists for everyone."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from survey.api import routes  # noqa: E402,F401  (registers the views)
