"""What every admin page needs: the section navigation, error-summary links and the status of a form page."""

from __future__ import annotations

from collections.abc import Iterator

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField

from survey.public.formatting import period_label
from survey.vocabulary import IMPORT_LABELS, KIND_GROUP_LABELS, KIND_LABELS, ROLE_LABELS, peer_group_name

# (section, endpoint, label): a page belongs to the section that its endpoint's name starts with.
SECTIONS = (
    ("index", "admin.index", _l("Overview")),
    ("agencies", "admin.agencies", _l("Agencies")),
    ("peer_groups", "admin.peer_groups", _l("Peer groups")),
    ("services", "admin.services", _l("Services")),
    ("users", "admin.users", _l("Users")),
    ("api_keys", "admin.api_keys", _l("API keys")),
    ("questions", "admin.questions", _l("Questions")),
    ("schedule", "admin.schedule_page", _l("Publication")),
    ("imports", "admin.imports", _l("Bulk import")),
    ("cases", "admin.cases_upload", _l("Cases and invitations")),
    ("audit", "admin.audit", _l("Audit log")),
    ("privacy", "admin.privacy_requests", _l("Personal data")),
)


def navigation() -> list[tuple[str, str, bool]]:
    """(url, label, current) per section."""
    endpoint = (request.endpoint or "").removeprefix("admin.")
    items = []
    for section, target, label in SECTIONS:
        values = {"kind": "agencies"} if section == "imports" else {}
        current = endpoint == section or endpoint.startswith(section + "_")
        items.append((url_for(target, **values), label, current))
    return items


def error_links(form: FlaskForm) -> Iterator[tuple[str, str, str]]:
    """(field id, label, first error) for every invalid field, nested lists included, in page order."""
    yield from _walk(form)


def _walk(fields) -> Iterator[tuple[str, str, str]]:
    for field in fields:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _walk([entry])
        elif isinstance(field, FormField):
            yield from _walk(field.form)
        elif isinstance(field, Field) and field.errors and field.type != "CSRFTokenField":
            yield field.id, field.label.text, field.errors[0]


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form is sent back with errors, so tests and tools can tell."""
    return 422 if form.errors else 200


def template_context() -> dict:
    return {
        "admin_navigation": navigation,
        "error_links": error_links,
        "KIND_LABELS": KIND_LABELS,
        "KIND_GROUP_LABELS": KIND_GROUP_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "IMPORT_LABELS": IMPORT_LABELS,
        "period_label": period_label,
        "peer_group_name": peer_group_name,
    }
