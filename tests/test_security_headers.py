"""Security headers on every kind of response, and refusing an unsafe production start."""

from __future__ import annotations

import pytest

from config import ProductionConfig
from survey import create_app
from tests import factories


@pytest.mark.parametrize("path", ["/", "/s/not-a-token", "/api/v1/agencies", "/no-such-page", "/thanks"])
def test_headers_present(client, city, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_survey_page_has_headers_and_no_token_in_referrer(client, city):
    token = factories.issue_link("HDR-1")
    response = client.get(f"/s/{token}")
    # strict-origin-when-cross-origin: the token never leaves in a Referer to another site
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SURVEY_SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SURVEY_SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        create_app(ProductionConfig)


def test_production_sends_hsts_and_secure_cookies(monkeypatch, database_url):
    monkeypatch.setenv("SURVEY_SECRET_KEY", "x" * 48)
    app = create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/thanks", base_url="https://survey.example")
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]
    plain = app.test_client().get("/thanks", base_url="http://survey.example")
    assert plain.status_code in (301, 302) and plain.headers["Location"].startswith("https://")
