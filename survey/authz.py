"""Who may see what: roles and agency subtrees, checked on every staff route.

Admins see everything; managers and viewers see their agency and its descendants.
Anything outside a user's subtree answers 404 (not 403), so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from survey.extensions import login_manager
from survey.models import User
from survey.models.agency import subtree_ids

STAFF_ROLES = ("admin", "manager", "viewer")


def visible_agency_ids(user: User) -> set[int] | None:
    """Agency ids the user may see; ``None`` means all (admins)."""
    if user.role == "admin":
        return None
    if user.agency_id is None:
        return set()
    return subtree_ids(user.agency_id)


def can_see_agency(user: User, agency_id: int | None) -> bool:
    visible = visible_agency_ids(user)
    return visible is None or agency_id in visible


def require_agency(agency_id: int | None) -> None:
    """404 unless the current user may see this agency."""
    if agency_id is None or not can_see_agency(current_user, agency_id):
        abort(404)


def roles_required(*roles: str) -> Callable:
    """Signed-in users with one of ``roles``; anonymous users go to sign-in, others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(*STAFF_ROLES)
manager_required = roles_required("admin", "manager")  # may change feedback and plans
admin_required = roles_required("admin")
