"""Password reset: a one-time link through the outbox, hashed, one hour, and no account enumeration."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from survey.auth.reset import complete_reset, request_reset
from survey.models import AuditLog, OutboxMessage, PasswordReset
from survey.models.base import utcnow
from survey.outbox import deliver_pending
from survey.tokens import sha256_hex
from tests import factories
from tests.actions import csrf_token, sign_in

NEW_PASSWORD = "a brand new passphrase"
LINK_RE = re.compile(r"http://localhost/auth/reset/([A-Za-z0-9_-]{43})")


@pytest.fixture
def manager(city):
    return factories.user("manager@q1.example", "manager", "Q1")


def ask_for_reset(client, email: str):
    token = csrf_token(client, "/auth/reset")
    return client.post("/auth/reset", data={"email": email, "csrf_token": token})


class Capture:
    """A sender that keeps what it sends: the only place a one-time link ever exists."""

    def __init__(self) -> None:
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message)


def deliver(db) -> list:
    capture = Capture()
    deliver_pending(capture)
    return capture.sent


def link_from_outbox(db) -> str:
    """Send what is queued and read the link from the sent e-mail (the table never holds it)."""
    sent = deliver(db)
    match = LINK_RE.search(sent[-1].body)
    assert match, sent[-1].body
    return match.group(1)


def fresh_reset(db, email: str = "manager@q1.example") -> str:
    """Ask for a reset as another request would, minutes after any earlier one, and return its token."""
    db.session.execute(update(PasswordReset).values(created_at=PasswordReset.created_at - timedelta(minutes=10)))
    db.session.commit()
    request_reset(email, "vi")
    return link_from_outbox(db)


def choose_password(client, token: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(f"/auth/reset/{token}")
    if page.status_code != 200:
        return page
    form_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(
        f"/auth/reset/{token}",
        data={"password": password, "confirm": confirm or password, "csrf_token": form_token},
    )


def test_reset_link_is_written_to_the_outbox_not_sent(client, db, manager):
    page = ask_for_reset(client, "manager@q1.example")
    assert page.status_code == 200
    message = db.session.scalar(select(OutboxMessage))
    assert message.to == "manager@q1.example" and message.kind == "password_reset"
    assert message.sent_at is None  # delivery is a separate job, never inline
    assert not LINK_RE.search(message.body)  # issue 14: the link is made when sent, never stored
    assert LINK_RE.search(deliver(db)[0].body)


def test_the_page_is_the_same_whether_or_not_the_account_exists(client, db, manager):
    known = ask_for_reset(client, "manager@q1.example")
    unknown = ask_for_reset(client, "nobody@q1.example")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    # Both are queued (the same work either way); only the real account gets an e-mail.
    assert [mail.to for mail in deliver(db)] == ["manager@q1.example"]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_only_the_hash_of_the_token_is_stored(client, db, manager):
    ask_for_reset(client, "manager@q1.example")
    token = link_from_outbox(db)
    stored = db.session.scalar(select(PasswordReset))
    assert stored.token_hash == sha256_hex(token) and token not in stored.token_hash
    assert timedelta(minutes=59) < stored.expires_at - utcnow() <= timedelta(hours=1)


def test_link_sets_a_new_password_once(client, db, manager):
    ask_for_reset(client, "manager@q1.example")
    token = link_from_outbox(db)
    done = choose_password(client, token)
    assert done.status_code == 303 and done.headers["Location"] == "/auth/sign-in"
    assert sign_in(client, "manager@q1.example").status_code == 200  # the old password no longer works
    assert sign_in(client, "manager@q1.example", NEW_PASSWORD).status_code == 303
    again = client.get(f"/auth/reset/{token}")
    assert again.status_code == 404
    assert "cannot be used" in client.get(f"/auth/reset/{token}?lang=en").get_data(as_text=True)
    assert "auth.password_reset" in db.session.scalars(select(AuditLog.action)).all()


def test_expired_link_is_refused(client, db, manager):
    ask_for_reset(client, "manager@q1.example")
    token = link_from_outbox(db)
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/auth/reset/{token}").status_code == 404
    assert complete_reset(token, NEW_PASSWORD) is None


@pytest.mark.parametrize("token", ["not-a-token", "A" * 43, "../../etc/passwd"])
def test_unknown_or_malformed_links_are_refused(client, manager, token):
    assert client.get(f"/auth/reset/{token}").status_code == 404


def test_a_used_link_closes_the_users_other_links(app, db, manager):
    first = fresh_reset(db)
    second = fresh_reset(db)
    assert complete_reset(second, NEW_PASSWORD) is not None
    assert complete_reset(first, "yet another passphrase") is None


def test_reset_signs_out_other_sessions(app, db, manager):
    other_device = app.test_client()
    sign_in(other_device, "manager@q1.example")
    token = fresh_reset(db)
    assert complete_reset(token, NEW_PASSWORD) is not None
    assert other_device.get("/manage/").status_code == 302


def test_mismatched_passwords_are_reported(client, db, manager):
    ask_for_reset(client, "manager@q1.example")
    token = link_from_outbox(db)
    client.get("/auth/sign-in?lang=en")
    page = choose_password(client, token, NEW_PASSWORD, "something else entirely")
    assert page.status_code == 422 and "The passwords differ." in page.get_data(as_text=True)
    short = choose_password(client, token, "short")
    assert short.status_code == 422
    # the link was not consumed by the failed attempts
    assert choose_password(client, token).status_code == 303


def test_reset_link_uses_the_configured_base_url_not_the_host_header(client, db, manager):
    form = client.get("/auth/reset", base_url="http://evil.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    sent = client.post(
        "/auth/reset", data={"email": "manager@q1.example", "csrf_token": token}, base_url="http://evil.example"
    )
    assert sent.status_code == 200
    body = deliver(db)[0].body
    assert "evil.example" not in body and "http://localhost/auth/reset/" in body


def test_reset_page_sends_no_referrer(client, db, manager):
    ask_for_reset(client, "manager@q1.example")
    html = client.get(f"/auth/reset/{link_from_outbox(db)}").get_data(as_text=True)
    assert '<meta name="referrer" content="no-referrer">' in html


def test_reset_e_mail_follows_the_language_of_the_request(client, db, manager):
    client.get("/auth/reset?lang=en")
    ask_for_reset(client, "manager@q1.example")
    message = deliver(db)[0]
    assert message.subject == "Reset your password" and "works once" in message.body
