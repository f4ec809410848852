"""Administration area (/admin): agencies, services, users, API keys, questions, publication, imports.

Every route is wrapped in ``admin_required``; ``tests/admin/test_access.py`` walks the
URL map so a route added without it fails the build.
"""

from flask import Blueprint

from survey.admin.pages import template_context

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.context_processor(template_context)


@bp.after_request
def never_cache(response):
    # Admin pages show staff data and one-time secrets (new API keys): keep them out of caches.
    response.headers["Cache-Control"] = "no-store"
    return response


from survey.admin import reasons, routes  # noqa: E402,F401
