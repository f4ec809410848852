"""Translated names for stored codes (agency kinds, roles), shared by forms and templates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "department": _l("Department"),
    "district": _l("District"),
    "ward": _l("Ward"),
    "other": _l("Other"),
}
KIND_GROUP_LABELS = {
    "department": _l("Departments"),
    "district": _l("Districts and their wards"),
    "ward": _l("Wards without a district"),
    "other": _l("Other agencies"),
}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Manager"),
    "viewer": _l("Viewer (read only)"),
}
IMPORT_LABELS = {
    "agencies": _l("Agencies"),
    "services": _l("Services"),
    "users": _l("Users"),
}
