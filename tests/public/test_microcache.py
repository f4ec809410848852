"""The public microcache: anonymous reads of published pages served from memory for a few seconds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event

from survey import create_app
from survey.extensions import db as _db
from survey.publication import publish
from tests.conftest import IsolatedClient
from tests.public.helpers import AFTER_SEPTEMBER, SEPTEMBER, build_small_site

LEAGUE = "/rankings/ward/2026-09"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cached_app(database_url: str) -> Iterator[Flask]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "PUBLIC_CACHE_SECONDS": 30})
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        build_small_site(charts=False)
        _db.session.remove()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def clock(cached_app: Flask) -> Clock:
    clock = Clock()
    cached_app.extensions["public_microcache"].clock = clock
    return clock


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_repeated_read_is_served_from_memory_with_the_same_bytes_and_headers(cached_app, clock):
    reader = cached_app.test_client()
    first = reader.get(LEAGUE)
    with counting_queries(cached_app) as statements:
        again = reader.get(LEAGUE)
    assert statements == []
    assert again.status_code == 200 and again.data == first.data
    for header in ("ETag", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options", "Vary"):
        assert again.headers[header] == first.headers[header]


def test_conditional_requests_get_304_both_on_a_miss_and_on_a_hit(cached_app, clock):
    reader = cached_app.test_client()
    etag = cached_app.test_client().get(LEAGUE).headers["ETag"]
    cached_app.extensions["public_microcache"].clear()
    miss = reader.get(LEAGUE, headers={"If-None-Match": etag})
    hit = reader.get(LEAGUE, headers={"If-None-Match": etag})
    for answer in (miss, hit):
        assert answer.status_code == 304 and answer.data == b""
        assert answer.headers["ETag"] == etag and "Content-Type" not in answer.headers
    assert reader.get(LEAGUE, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_on_a_cached_page_sends_headers_only(cached_app, clock):
    reader = cached_app.test_client()
    full = reader.get(LEAGUE)
    head = reader.head(LEAGUE)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == full.headers["ETag"]


def test_a_correction_shows_once_the_entry_expires(cached_app, clock):
    reader = cached_app.test_client()
    before = reader.get(LEAGUE).headers["ETag"]
    with cached_app.app_context():
        publish(
            SEPTEMBER, actor="test", now=AFTER_SEPTEMBER + timedelta(days=2), correction="again", render_charts=False
        )
        _db.session.remove()
    assert reader.get(LEAGUE).headers["ETag"] == before  # still within the 30 s
    clock.now += 31
    assert reader.get(LEAGUE).headers["ETag"] != before


def test_languages_are_kept_apart(cached_app, clock):
    vi = cached_app.test_client().get(LEAGUE)
    english = cached_app.test_client()
    english.set_cookie("lang", "en")
    en = english.get(LEAGUE)
    assert '<html lang="vi">' in vi.text and '<html lang="en">' in en.text
    assert cached_app.test_client().get(LEAGUE).data == vi.data
    assert english.get(LEAGUE).data == en.data


def test_a_response_that_sets_a_cookie_is_never_stored(cached_app, clock):
    for _ in range(2):
        reader = cached_app.test_client()
        reader.set_cookie("lang", "vi")
        switched = reader.get(f"{LEAGUE}?lang=en")
        assert "lang=en" in switched.headers.get("Set-Cookie", "")
        assert switched.headers["Cache-Control"].startswith("private")


def test_signed_in_visitors_and_credentials_bypass_the_cache(cached_app, clock):
    anonymous = cached_app.test_client()
    anonymous.get(LEAGUE)
    with counting_queries(cached_app) as statements:
        signed_in = cached_app.test_client()
        signed_in.set_cookie("session", "abc")
        signed_in.get(LEAGUE)
    assert statements, "a request with a session cookie must reach the app"
    with counting_queries(cached_app) as statements:
        cached_app.test_client().get(LEAGUE, headers={"Authorization": "Bearer x"})
    assert statements


def test_errors_redirects_and_posts_are_not_stored(cached_app, clock):
    reader = cached_app.test_client()
    for _ in range(2):
        assert reader.get("/rankings/ward/2031-01").status_code == 404
    with counting_queries(cached_app) as statements:
        assert reader.get("/rankings/ward/2031-01").status_code == 404
    assert statements
    assert reader.get("/rankings/ward").status_code == 302
    assert reader.post(LEAGUE).status_code in (400, 405)


def test_memory_is_bounded(cached_app, clock):
    cache = cached_app.extensions["public_microcache"]
    reader = cached_app.test_client()
    reader.get(LEAGUE)
    cache.max_bytes = cache._size + 10  # one entry: body, headers and key (issue 14 counts all three)
    reader.get(f"{LEAGUE}?sort=agency")
    assert cache._size <= cache.max_bytes
    assert len(cache._entries) == 1


def test_cache_is_off_in_tests_by_default(app):
    assert "public_microcache" not in app.extensions
