"""Flask-Limiter on credential POSTs, per IP. Tests run with limits off, so this builds its own app.

Flask-Limiter reads RATELIMIT_ENABLED in ``init_app``, so the override must be given to
``create_app``; the next test's app switches it off again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from survey import create_app
from survey.extensions import db
from tests import factories
from tests.actions import csrf_token


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Flask]:
    app = create_app(  # RATELIMIT_AUTH overrides the default "10 per minute; 50 per hour"
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True, "RATELIMIT_AUTH": "3 per minute"},
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        factories.small_city()
        factories.user("manager@q1.example", "manager", "Q1")
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/auth/sign-in", {"email": "manager@q1.example", "password": "guess"}),
        ("/auth/reset", {"email": "manager@q1.example"}),
    ],
)
def test_credential_posts_are_rate_limited_per_ip(limited_app, path, data):
    client = limited_app.test_client()
    token = csrf_token(client, path)
    codes = [client.post(path, data={**data, "csrf_token": token}).status_code for _ in range(4)]
    assert codes[:3] != [429] * 3 and codes[3] == 429
    # the form itself stays readable
    assert client.get(path).status_code == 200


def test_the_default_limit_is_ten_a_minute(database_url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True})
    with app.app_context():
        db.create_all()
        client = app.test_client()
        token = csrf_token(client, "/auth/reset")
        codes = [
            client.post("/auth/reset", data={"email": "a@b.example", "csrf_token": token}).status_code
            for _ in range(11)
        ]
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    assert codes == [200] * 10 + [429]
