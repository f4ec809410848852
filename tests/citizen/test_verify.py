"""The public "is this message real?" page: a genuine code, a made-up one, and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from survey.models import Invitation
from survey.models.base import utcnow
from survey.tokens import SHORT_CODE_ALPHABET, display_code, short_code_for_salt
from tests import factories
from tests.actions import csrf_from, text_of


def check(client, code: str, lang: str = "en"):
    page = client.get(f"/verify?lang={lang}")
    return client.post(
        f"/verify?lang={lang}", data={"code": code, "csrf_token": csrf_from(page.get_data(as_text=True))}
    )


def code_of(db) -> str:
    return display_code(short_code_for_salt(db.session.scalar(select(Invitation.token_salt))))


def test_short_codes_have_no_ambiguous_characters(db, city):
    for n in range(20):
        factories.issue_link(f"HS-C{n}")
    for salt in db.session.scalars(select(Invitation.token_salt)):
        code = short_code_for_salt(salt)
        assert len(code) == 8 and set(code) <= set(SHORT_CODE_ALPHABET) and not set(code) & set("0O1lI")
    assert all(len(h) == 64 for h in db.session.scalars(select(Invitation.code_hash)))  # only a hash is stored


def test_a_genuine_code_names_agency_service_and_whether_it_is_open(client, db, city):
    factories.issue_link("HS-REAL")
    code = code_of(db)
    page = text_of(check(client, code.lower().replace("-", " ")))  # typed loosely
    assert "Genuine" in page and "Ward Q1-BN" in page and "Procedure HT-KHAISINH" in page and "open until" in page
    assert "HS-REAL" not in page  # never the case
    db.session.scalar(select(Invitation)).expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "closed on" in text_of(check(client, code))


def test_a_made_up_code_gets_the_same_shape_and_the_same_database_work(app, client, db, city):
    factories.issue_link("HS-REAL")
    real, fake = code_of(db), "ABCD-EFGH"
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    results = {}
    for name, code in (("real", real), ("fake", fake), ("malformed", "0O1lI!")):
        statements.clear()
        page = client.get("/verify?lang=en")
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.post(
                "/verify?lang=en", data={"code": code, "csrf_token": csrf_from(page.get_data(as_text=True))}
            )
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        results[name] = (response.status_code, list(statements), sorted(response.headers.keys()))
    assert results["real"][0] == results["fake"][0] == results["malformed"][0] == 200
    assert results["real"][1] == results["fake"][1] == results["malformed"][1]  # one identical look-up each
    assert results["real"][2] == results["fake"][2]
    assert "Not found" in text_of(check(client, fake))


@pytest.mark.parametrize("bad", ["", "x" * 40])
def test_bad_input_is_refused_clearly(client, db, city, bad):
    response = check(client, bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html and 'href="#code"' in html


def test_lookups_are_rate_limited(app, city, database_url):
    from tests.test_rate_limits import limited_app

    limited = limited_app(database_url, RATELIMIT_VERIFY="2 per hour")
    client = limited.test_client()
    statuses = [check(client, "ABCD-EFGH").status_code for _ in range(3)]
    assert statuses[2] == 429  # refused before any look-up, whatever the code
