"""Database unreachable for a while: clear 503s (HTML and problem+json), then recovery without restart."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from survey import create_app
from tests import factories
from tests.conftest import IsolatedClient
from tests.resilience.tcp_proxy import TcpProxy


@pytest.fixture
def proxied_app(app, database_url, city):
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a database outage needs a networked database (runs in the PostgreSQL pass of CI)")
    factories.issue_link("OUTAGE-1")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine_options = {"connect_args": {"connect_timeout": 2}}  # recovery without pool_pre_ping
    outage_app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": proxied, "SQLALCHEMY_ENGINE_OPTIONS": engine_options}
    )
    outage_app.test_client_class = IsolatedClient
    yield outage_app, proxy
    proxy.stop()
    with outage_app.app_context():
        from survey.extensions import db

        db.engine.dispose()


def test_outage_gives_503_and_recovers_without_restart(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    assert client.get("/api/v1/agencies").status_code == 200

    proxy.stop()
    api = client.get("/api/v1/agencies")
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.headers["Retry-After"] == "30"
    page = client.get("/")
    assert page.status_code == 503
    assert "Tạm thời không khả dụng" in page.get_data(as_text=True)  # "Temporarily unavailable", in Vietnamese
    survey = client.get("/s/aaaaaaaaaaaaaaaaaaaaaa")
    assert survey.status_code == 503

    proxy.start()
    assert client.get("/api/v1/agencies").status_code == 200
    assert client.get("/").status_code == 200


def test_a_connection_cut_while_idle_is_replaced_before_the_next_request(proxied_app):
    # The database restarted between two requests: no request saw it fail, so only the
    # checkout check (survey.db_liveness, no pre-ping round trip) can notice.
    app, proxy = proxied_app
    client = app.test_client()
    assert client.get("/api/v1/agencies").status_code == 200
    proxy.stop()
    proxy.start()
    assert client.get("/api/v1/agencies").status_code == 200
    assert client.get("/").status_code == 200
