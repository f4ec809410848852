"""The citizen's survey: one page per single-use link."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from survey.citizen import routes, verify  # noqa: E402,F401
