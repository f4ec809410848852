"""Issue 14 item 1: the microcache cannot be poisoned, honours Vary and bounds all of its memory."""

from __future__ import annotations

import pytest

from survey.microcache import PublicMicrocache
from tests.public.test_microcache import LEAGUE, cached_app, clock  # noqa: F401 (fixtures)

# Cookie headers that Python's SimpleCookie and Werkzeug read differently.
POISON = [
    "x=a b; lang=en",  # a space in a value: SimpleCookie stopped here, Werkzeug skips the cookie
    'x="; lang=en',  # an unbalanced quote
    "x=1;; lang=en",  # an empty pair
    "lang=vi; lang=en",  # the same name twice: Werkzeug keeps the first
]


@pytest.mark.parametrize("cookie", POISON)
def test_microcache_poisoning_leaves_cookieless_readers_on_vietnamese(cached_app, clock, cookie):  # noqa: F811
    attacker = cached_app.test_client(use_cookies=False)  # send the raw header as written
    poisoned = attacker.get(LEAGUE, headers={"Cookie": cookie})
    expected = "vi" if cookie.startswith("lang=vi") else "en"
    assert f'<html lang="{expected}">' in poisoned.text  # what the app itself chose
    for _ in range(2):
        assert '<html lang="vi">' in cached_app.test_client().get(LEAGUE).text
    english = cached_app.test_client()
    english.set_cookie("lang", "en")
    assert '<html lang="en">' in english.get(LEAGUE).text


def _app(calls: list[dict], headers: list[tuple[str, str]] | None = None, body: bytes = b"page"):
    """A tiny WSGI app whose page names the Cookie header it saw."""

    def app(environ, start_response):
        calls.append(environ)
        seen = environ.get("HTTP_COOKIE", "").encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/plain"),
                ("Cache-Control", "public, max-age=60"),
                ("ETag", '"e1"'),
                *(headers or [("Vary", "Cookie")]),
            ],
        )
        return [body + b"|" + seen]

    return app


def _get(cache: PublicMicrocache, path: str = "/", query: str = "", **environ) -> bytes:
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "wsgi.url_scheme": "https"}
    return b"".join(cache({**base, **environ}, lambda status, headers, exc_info=None: None))


def test_microcache_poisoning_through_vary_cookie_is_kept_per_cookie_header():
    calls: list[dict] = []
    cache = PublicMicrocache(_app(calls), ttl=30, session_cookie="session", lang_cookie="lang")
    assert _get(cache, HTTP_COOKIE="tracker=1") == b"page|tracker=1"
    assert _get(cache) == b"page|"  # a different Cookie header: not the stored variant
    assert _get(cache, HTTP_COOKIE="tracker=1") == b"page|tracker=1"
    assert _get(cache) == b"page|"
    assert len(calls) == 2


def test_microcache_refuses_vary_star():
    calls: list[dict] = []
    cache = PublicMicrocache(_app(calls, [("Vary", "*")]), ttl=30, session_cookie="session", lang_cookie="lang")
    _get(cache)
    _get(cache)
    assert len(calls) == 2


def test_microcache_memory_cap_counts_keys_and_headers():
    calls: list[dict] = []
    big_header = [("Vary", "Cookie"), ("X-Padding", "h" * 5000)]
    cache = PublicMicrocache(
        _app(calls, big_header, body=b"x"), ttl=30, session_cookie="session", lang_cookie="lang", max_bytes=50_000
    )
    for number in range(40):
        _get(cache, query=f"q={number}&pad={'k' * 3000}", HTTP_COOKIE="c=" + "v" * 2000)
    # Bodies alone are ~40 bytes; keys and headers are ~10 KB per entry and must count.
    assert cache._size <= cache.max_bytes
    assert len(cache._entries) <= 5
    assert len(cache._vary) == len(cache._entries) and sum(cache._users.values()) == len(cache._entries)


def test_microcache_sweeps_expired_entries():
    now = [1000.0]
    cache = PublicMicrocache(_app([]), ttl=30, session_cookie="session", lang_cookie="lang", clock=lambda: now[0])
    for number in range(10):
        _get(cache, query=f"q={number}")
    assert len(cache._entries) == 10
    now[0] += 31
    _get(cache, query="fresh")
    assert len(cache._entries) == 1 and len(cache._vary) == 1
    assert cache._size == next(iter(cache._entries.values())).cost
