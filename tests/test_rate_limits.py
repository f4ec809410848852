"""Rate limits: per client address and per survey link, per API key for intake."""

from __future__ import annotations

from survey import create_app
from tests import factories
from tests.actions import answers
from tests.conftest import IsolatedClient


def limited_app(database_url, **limits):
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            **limits,
        },
    )
    app.test_client_class = IsolatedClient
    return app


def test_one_link_is_limited_per_token(app, city, database_url):
    token = factories.issue_link("RL-1")
    other = factories.issue_link("RL-2")
    limited = limited_app(database_url, RATELIMIT_SURVEY_TOKEN="3 per hour", RATELIMIT_SURVEY="100 per minute")
    client = limited.test_client()
    statuses = [client.post(f"/s/{token}", data=answers()).status_code for _ in range(5)]
    assert statuses[:3] == [422, 422, 422] and statuses[3:] == [429, 429]  # no CSRF: refused, then limited
    assert client.post(f"/s/{other}", data=answers()).status_code == 422  # another link is not affected


def test_intake_is_limited_per_key(app, city, database_url):
    first, second = factories.api_key(), factories.api_key()
    limited = limited_app(database_url, RATELIMIT_INTAKE="2 per minute")
    client = limited.test_client()

    def post(key):
        return client.post(
            "/api/v1/cases", json=factories.case_json(f"RL-{key[-6:]}"), headers={"Authorization": f"Bearer {key}"}
        ).status_code

    assert [post(first) for _ in range(3)] == [201, 200, 429]
    assert post(second) == 201


def test_switching_language_does_not_spend_the_links_tries(app, city, database_url):
    token = factories.issue_link("RL-3")
    limited = limited_app(database_url, RATELIMIT_SURVEY_TOKEN="2 per hour", RATELIMIT_SURVEY="100 per minute")
    client = limited.test_client()
    switches = [
        client.post(f"/s/{token}?lang={lang}", data={**answers(), "switch_language": lang}).status_code
        for lang in ("en", "vi", "en", "vi", "en")
    ]
    assert switches == [200] * 5  # the page comes back, nothing is stored or counted
    statuses = [client.post(f"/s/{token}", data=answers()).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]  # the link's own two tries are all still there
