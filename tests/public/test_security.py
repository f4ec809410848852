"""Security headers on every public page and file."""

from __future__ import annotations

import re

import pytest

URLS = [
    "/",
    "/rankings/ward/2026-09",
    "/snapshots/5",
    "/snapshots/5.csv",
    "/snapshots/5.json",
    "/snapshots/5/funnel.svg",
    "/agencies/Q1-BN",
    "/archive",
    "/methodology",
    "/data",
    "/data/index.json",
    "/feed.atom",
    "/api/v1/openapi.json",
    "/rankings/ward/2026-09?sort=colour",  # a 400 page
    "/agencies/NOPE",  # a 404 page
]


@pytest.mark.parametrize("url", URLS)
def test_security_headers_on_public_responses(site_client, url):
    response = site_client.get(url)
    assert response.status_code < 500
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("url", ["/", "/rankings/ward/2026-09", "/snapshots/4", "/agencies/Q1", "/methodology"])
def test_pages_need_no_inline_code_or_style(site_client, url):
    page = site_client.get(url + "?lang=en").text
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page)  # no inline event handlers
