"""Integrity review (/auditor): the city-level auditor sees flags with their evidence and decides them.

Only the auditor role enters: no manager, viewer or admin of a ranked agency decides
about its own flags (``tests/auditor/test_access.py`` walks every route with every role).
"""

from flask import Blueprint

from survey.admin.pages import error_links

bp = Blueprint("auditor", __name__, url_prefix="/auditor")
bp.context_processor(lambda: {"error_links": error_links})  # the shared form macros need it


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response


from survey.auditor import routes  # noqa: E402,F401
