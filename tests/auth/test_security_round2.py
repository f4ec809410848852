"""Issue 14 items 3, 5 and 6: revocable sessions, throttling instead of lock-out, no readable links at rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select, update

from survey.auth.reset import request_reset
from survey.extensions import db as _db
from survey.models import PasswordReset
from tests.actions import csrf_token, post_form, sign_in, signed_in
from tests.auth.test_reset import NEW_PASSWORD, choose_password, deliver, link_from_outbox
from tests.factories import user as make_user


@pytest.fixture
def manager(city):
    return make_user("manager@q1.example", "manager", "Q1")


@pytest.fixture
def admin_client(app, city):
    return signed_in(app.test_client(), make_user("admin@example.gov.vn", "admin").email)


def copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie (as an attacker would)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def older(db) -> None:
    """Make every existing link minutes old, as a later request would find them."""
    db.session.execute(update(PasswordReset).values(created_at=PasswordReset.created_at - timedelta(minutes=10)))
    db.session.commit()


def test_session_copied_before_sign_out_is_refused(app, client, manager):
    assert sign_in(client, "manager@q1.example").status_code == 303
    thief = copy_of(app, client)
    assert thief.get("/manage/").status_code == 200  # the copy works while the session is open
    token = csrf_token(client, "/manage/")
    assert client.post("/auth/sign-out", data={"csrf_token": token}).status_code == 303
    assert thief.get("/manage/").status_code == 302  # ...and not a moment after sign-out


def test_session_copied_before_admin_reset_is_refused(app, admin_client, db, manager):
    their = app.test_client()
    sign_in(their, "manager@q1.example")
    thief = copy_of(app, their)
    assert post_form(admin_client, f"/admin/users/{manager.id}/reset-password").status_code == 303
    assert thief.get("/manage/").status_code == 302 and their.get("/manage/").status_code == 302


def test_admin_reset_voids_earlier_reset_links(app, admin_client, client, db, manager):
    request_reset("manager@q1.example", "vi")
    earlier = link_from_outbox(db)
    assert post_form(admin_client, f"/admin/users/{manager.id}/reset-password").status_code == 303
    assert client.get(f"/auth/reset/{earlier}").status_code == 404
    issued = link_from_outbox(db)  # the administrator's own link works
    assert choose_password(client, issued).status_code == 303


def test_deactivation_voids_sessions_and_links(app, admin_client, client, db, manager):
    their = app.test_client()
    sign_in(their, "manager@q1.example")
    thief = copy_of(app, their)
    request_reset("manager@q1.example", "vi")
    link = link_from_outbox(db)
    form = {"email": manager.email, "name": manager.name, "role": "manager", "agency_id": str(manager.agency_id)}
    assert post_form(admin_client, f"/admin/users/{manager.id}/edit", form).status_code == 303  # "active" unticked
    assert thief.get("/manage/").status_code == 302
    assert client.get(f"/auth/reset/{link}").status_code == 404
    _db.session.refresh(manager)
    manager.active = True  # even reactivated, the old link stays void
    _db.session.commit()
    assert client.get(f"/auth/reset/{link}").status_code == 404


def test_new_reset_link_voids_older_ones(client, db, manager):
    request_reset("manager@q1.example", "vi")
    first = link_from_outbox(db)
    older(db)
    request_reset("manager@q1.example", "vi")
    second = link_from_outbox(db)
    assert client.get(f"/auth/reset/{first}").status_code == 404
    assert choose_password(client, second, NEW_PASSWORD).status_code == 303


def test_reset_probes_e_mail_the_person_at_most_once_in_five_minutes(db, manager):
    for _ in range(5):
        request_reset("manager@q1.example", "vi")
    assert len(deliver(db)) == 1


def test_wrong_passwords_from_elsewhere_do_not_lock_the_admin_out(app, city):
    make_user("root@city.example", "admin")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "198.51.100.66"
    for _ in range(20):
        sign_in(attacker, "root@city.example", "guess")
    assert sign_in(app.test_client(), "root@city.example").status_code == 303


def _statements(app, action) -> list[str]:
    seen: list[str] = []
    engine = _db.engine

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_reset_request_does_the_same_work_for_known_and_unknown_addresses(app, client, manager):
    """Equal work, not just an equal page: timing cannot tell which addresses have accounts."""

    def ask(email: str):
        def go() -> None:
            client.post("/auth/reset", data={"email": email, "csrf_token": token})

        return go

    token = csrf_token(client, "/auth/reset")
    known = _statements(app, ask("manager@q1.example"))
    unknown = _statements(app, ask("nobody@q1.example"))
    assert known == unknown and "SELECT" not in known  # one INSERT; no look-up of the account


def test_database_file_holds_no_working_reset_link(app, admin_client, db, manager, database_url):
    if not database_url.startswith("sqlite:///"):
        pytest.skip("reads the SQLite file itself")
    request_reset("manager@q1.example", "vi")
    welcome = {"email": "new@q1.example", "name": "N", "role": "viewer", "agency_id": str(manager.agency_id)}
    assert post_form(admin_client, "/admin/users/new", welcome).status_code == 303
    unsent = Path(database_url.removeprefix("sqlite:///")).read_bytes()
    sent = deliver(db)
    tokens = [mail.body.split("/auth/reset/")[1].split()[0] for mail in sent]
    assert len(tokens) == 2
    after = Path(database_url.removeprefix("sqlite:///")).read_bytes()
    for token in tokens:
        assert token.encode() not in unsent and token.encode() not in after
    assert b"/auth/reset/" not in after
    assert all(reset.token_hash not in tokens for reset in db.session.scalars(select(PasswordReset)))
