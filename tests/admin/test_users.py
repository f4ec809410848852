"""Staff accounts: roles and agencies, set-password links through the outbox, never a password on screen."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.auth.reset import find_reset
from survey.models import Agency, AuditLog, OutboxMessage, User
from survey.outbox import deliver_pending
from tests import factories
from tests.actions import post_form, signed_in, text_of
from tests.admin.helpers import audit_count

LINK_RE = re.compile(r"/auth/reset/([A-Za-z0-9_-]{43})")


def agency_id(db, code: str) -> int:
    return db.session.scalar(select(Agency.id).where(Agency.code == code))


def new_user_data(db, **overrides) -> dict:
    data = {"email": "Lan.Nguyen@Q1.example.gov.vn", "name": "Nguyễn Lan", "role": "manager"}
    data["agency_id"] = str(agency_id(db, "Q1"))
    data.update(overrides)
    return data


def link_token(message: OutboxMessage) -> str:
    """Send the queued message and read its link: the stored row never holds one (issue 14)."""
    assert not LINK_RE.search(message.body)
    sent = []
    deliver_pending(type("Capture", (), {"send": lambda self, mail: sent.append(mail)})())
    match = LINK_RE.search(next(mail.body for mail in sent if mail.id == message.id))
    assert match
    return match.group(1)


def test_create_manager_mails_a_one_time_link(admin_client, db):
    response = post_form(admin_client, "/admin/users/new", new_user_data(db))
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "lan.nguyen@q1.example.gov.vn"))
    assert user.role == "manager" and user.agency.code == "Q1" and user.active
    assert user.password_hash.startswith("$argon2")
    message = db.session.scalar(select(OutboxMessage))
    assert message.to == user.email and message.kind == "password_link"
    assert find_reset(link_token(message)).user_id == user.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.create"))
    assert entry.after == {
        "email": user.email,
        "name": "Nguyễn Lan",
        "role": "manager",
        "active": True,
        "agency_code": "Q1",
    }


def test_password_hashes_are_never_shown(admin_client, admin, db):
    post_form(admin_client, "/admin/users/new", new_user_data(db))
    for user in db.session.scalars(select(User)):
        for path in ("/admin/users", f"/admin/users/{user.id}/edit"):
            html = admin_client.get(path).get_data(as_text=True)
            assert user.password_hash not in html and "argon2" not in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"agency_id": "0"}, "Managers and viewers need an agency"),
        ({"role": "viewer", "agency_id": "0"}, "Managers and viewers need an agency"),
        ({"role": "owner"}, "Choose one of the listed options"),
        ({"agency_id": "99999"}, "Choose one of the listed options"),
        ({"email": "admin@EXAMPLE.gov.vn", "role": "admin"}, "already exists"),
        ({"email": "not-an-address"}, "Enter an e-mail address"),
        ({"email": "a@b.vn<script>"}, "Enter an e-mail address"),
        ({"email": ""}, "required"),
        ({"name": "=cmd|' /C calc'!A0"}, "spreadsheet formulas"),
    ],
)
def test_bad_new_user_is_refused(admin_client, db, overrides, message):
    before = db.session.scalar(select(func.count()).select_from(User))
    response = post_form(admin_client, "/admin/users/new?lang=en", new_user_data(db, **overrides))
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert db.session.scalar(select(OutboxMessage.id)) is None and audit_count() == 0


def test_admin_needs_no_agency(admin_client, db):
    data = new_user_data(db, role="admin", agency_id="0", confirm_admin="y")
    assert post_form(admin_client, "/admin/users/new", data).status_code == 303
    assert db.session.scalar(select(User).where(User.email.like("lan%"))).agency_id is None


def test_a_user_created_without_choosing_a_role_is_a_viewer(admin_client, db):
    page = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert re.search(r'<option selected value="viewer">|<option value="viewer" selected>', page)
    data = new_user_data(db)
    del data["role"]
    assert post_form(admin_client, "/admin/users/new", data).status_code == 303
    assert db.session.scalar(select(User.role).where(User.email.like("lan%"))) == "viewer"


def test_granting_admin_without_confirmation_changes_nothing(admin_client, db):
    response = post_form(admin_client, "/admin/users/new?lang=en", new_user_data(db, role="admin", agency_id="0"))
    assert response.status_code == 422 and "needs this confirmation" in text_of(response)
    assert db.session.scalar(select(User.id).where(User.email.like("lan%"))) is None and audit_count() == 0
    user = factories.user("viewer@q1.example", "viewer", "Q1")
    data = {"name": "", "role": "admin", "agency_id": "0", "active": "y"}
    assert post_form(admin_client, f"/admin/users/{user.id}/edit", data).status_code == 422
    db.session.refresh(user)
    assert user.role == "viewer" and audit_count() == 0


def test_an_existing_admin_is_saved_without_a_new_confirmation(admin_client, admin, db):
    factories.user("second@example.gov.vn", "admin")
    data = {"name": "Renamed", "role": "admin", "agency_id": "0", "active": "y"}
    assert post_form(admin_client, f"/admin/users/{admin.id}/edit", data).status_code == 303


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({}, ["Viewer (read only)", "for Ward Q1 and the units under it"]),
        ({"role": "admin", "agency_id": "0", "confirm_admin": "y"}, ["Administrator", "for the whole city"]),
    ],
)
def test_the_welcome_mail_states_role_and_scope(admin_client, db, overrides, words):
    data = new_user_data(db, role="viewer") | overrides
    assert post_form(admin_client, "/admin/users/new?lang=en", data).status_code == 303
    body = db.session.scalar(select(OutboxMessage.body))
    assert all(word in body for word in words), body


def test_edit_role_agency_and_active_is_audited(admin_client, db):
    user = factories.user("viewer@example.gov.vn", "viewer", "Q1")
    data = {"name": user.name, "role": "manager", "agency_id": str(agency_id(db, "Q3")), "active": ""}
    assert post_form(admin_client, f"/admin/users/{user.id}/edit", data).status_code == 303
    db.session.refresh(user)
    assert user.role == "manager" and user.agency.code == "Q3" and user.active is False
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.update"))
    assert entry.before == {"role": "viewer", "agency_code": "Q1", "active": True}
    assert entry.after == {"role": "manager", "agency_code": "Q3", "active": False}


def test_the_email_cannot_be_changed_by_editing(admin_client, db):
    user = factories.user("viewer@example.gov.vn", "viewer", "Q1")
    data = {"email": "other@example.gov.vn", "name": "", "role": "viewer", "agency_id": str(user.agency_id)}
    post_form(admin_client, f"/admin/users/{user.id}/edit", data | {"active": "y"})
    db.session.refresh(user)
    assert user.email == "viewer@example.gov.vn"


@pytest.mark.parametrize("change", [{"role": "viewer"}, {"active": ""}])
def test_the_last_active_admin_cannot_be_removed(admin_client, admin, db, change):
    data = {"name": admin.name, "role": "admin", "agency_id": "0", "active": "y"} | change
    if change.get("role") == "viewer":
        data["agency_id"] = str(agency_id(db, "Q1"))
    response = post_form(admin_client, f"/admin/users/{admin.id}/edit?lang=en", data)
    assert response.status_code == 422
    assert "last active administrator" in text_of(response)
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active and audit_count() == 0


def test_an_admin_can_step_down_when_another_remains(admin_client, admin, db):
    factories.user("second@example.gov.vn", "admin")
    data = {"name": admin.name, "role": "viewer", "agency_id": str(agency_id(db, "SO-TP")), "active": "y"}
    assert post_form(admin_client, f"/admin/users/{admin.id}/edit", data).status_code == 303
    assert admin_client.get("/admin/").status_code == 403  # the change applies at once


def test_reset_signs_the_user_out_and_voids_the_old_password(app, admin_client, db):
    user = factories.user("manager@example.gov.vn", "manager", "Q1")
    their_client = signed_in(app.test_client(), user.email)
    assert their_client.get("/admin/").status_code == 403  # signed in (refused as a manager, not redirected)
    old_hash = user.password_hash
    assert post_form(admin_client, f"/admin/users/{user.id}/reset-password").status_code == 303
    db.session.refresh(user)
    assert user.password_hash != old_hash and user.session_version == 1
    assert their_client.get("/admin/").status_code == 302  # their session no longer matches
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == user.email))
    assert find_reset(link_token(message)).user_id == user.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.password_reset_issued"))
    assert entry.actor == "admin@example.gov.vn" and entry.after == {"session_version": 1}
