"""No column or foreign-key path joins a response to a case, an invitation or a phone number."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Invitation, Response
from survey.tokens import sha256_hex, token_for_salt
from tests import factories
from tests.actions import submit

PERSONAL = {"case_record", "invitation", "contact"}


def reachable_tables(start: str) -> set[str]:
    """Tables reachable from ``start`` by following foreign keys in either direction, not through user tables."""
    tables = _db.metadata.tables
    edges: dict[str, set[str]] = {name: set() for name in tables}
    for name, table in tables.items():
        for fk in table.foreign_keys:
            edges[name].add(fk.column.table.name)
            edges[fk.column.table.name].add(name)
    # Staff, keys, agencies and services are shared by everyone: paths through them join nothing personal.
    shared = {"user_account", "api_key", "agency", "service", "question_set", "question", "question_option"}
    seen, todo = {start}, [start]
    while todo:
        for other in edges[todo.pop()] - seen:
            seen.add(other)
            if other not in shared:
                todo.append(other)
    return seen


def test_no_foreign_key_path_leads_from_a_response_to_a_case_or_invitation(app):
    assert not reachable_tables("response") & PERSONAL
    columns = set(Response.__table__.columns.keys())
    assert not {"invitation_id", "case_id", "case_ref", "phone"} & columns


def test_the_stored_link_hash_matches_no_invitation_column(client, db, city):
    token = factories.issue_link("HS-ANON")
    assert submit(client, token).status_code == 303
    response = db.session.scalar(select(Response))
    invitation = db.session.scalar(select(Invitation))
    stored = {str(v) for v in (invitation.token_hash, invitation.token_salt, invitation.code_hash, invitation.id)}
    assert response.link_hash not in stored and response.link_hash != sha256_hex(token_for_salt(invitation.token_salt))
    assert response.submitted_at.minute == 0 and response.submitted_at.second == 0  # no timing join
