"""A few seconds of in-process caching for anonymous reads of public pages.

The press arrives all at once when a league table is published: thousands of readers ask
for the same few pages, each a pure function of a snapshot. The app already marks those
responses ``Cache-Control: public, max-age=…`` with a strong ETag, so any shared cache may
keep them; this WSGI middleware is that shared cache, inside each worker, for deployments
without a caching proxy in front. A hit skips the whole Flask stack (session, Babel,
security headers, database): the stored response already carries every header.

What is stored: a 200 answer to a GET by a visitor without a session cookie or
credentials, whose response says ``public``, sets no cookie and has an ETag. It is kept
for at most ``ttl`` seconds (and never longer than its own ``max-age``), so a correction
published by another worker shows within ``ttl``. Everything else passes through untouched.

Cookies are read with Werkzeug's own parser, the one Flask uses, so the cache and the app
never disagree about which cookies a request carries (issue 14: a cookie that one parser
skips and the other stops at let an English page be stored for Vietnamese readers). The
request headers a response names in ``Vary`` are part of its key, and the memory cap counts
keys and headers as well as bodies; expired entries are swept at most once per ``ttl``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from werkzeug.http import parse_cookie, parse_etags, parse_set_header, unquote_etag

log = logging.getLogger("survey.access")
MAX_AGE = re.compile(r"max-age=(\d+)")
# Headers that describe a body; a 304 carries none of them.
BODY_HEADERS = {"content-length", "content-type", "content-disposition"}
# Bookkeeping per entry beyond its strings (dict slots, tuples, the dataclass): a rough floor.
ENTRY_OVERHEAD = 512

StartResponse = Callable[..., object]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Stored:
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    expires: float
    cost: int  # bytes counted against the cap: body, headers and key


def _vary_names(headers: list[tuple[str, str]]) -> tuple[str, ...]:
    """The request headers a response varies on, lower-cased and sorted (one key per set)."""
    names = {item.lower() for name, value in headers if name.lower() == "vary" for item in parse_set_header(value)}
    return tuple(sorted(names))


def _environ_name(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


class PublicMicrocache:
    """WSGI middleware; ``ttl`` seconds per entry, at most ``max_bytes`` of bodies in all."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        ttl: float,
        session_cookie: str,
        lang_cookie: str,
        max_bytes: int = 32 * 1024 * 1024,
        max_entry_bytes: int = 4 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.ttl = ttl
        self.session_cookie = session_cookie
        self.lang_cookie = lang_cookie
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.clock = clock
        self._entries: OrderedDict[tuple, Stored] = OrderedDict()
        # Per base key (the part known before the app answers): the request headers its
        # response varies on, and how many stored entries share it.
        self._vary: dict[tuple, tuple[str, ...]] = {}
        self._users: Counter[tuple] = Counter()
        self._size = 0
        self._next_sweep = 0.0
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        base = self._key(environ)
        if base is None:
            return self.app(environ, start_response)
        stored = self._get(base, environ)
        if stored is None:
            stored = self._fill(base, environ, start_response)
            if not isinstance(stored, Stored):
                return stored  # not cacheable: already answered by the app
        else:
            log.info("%s %s 200 cached", environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        return self._answer(stored, environ, start_response)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._vary.clear()
            self._users.clear()
            self._size = 0

    # -- what may be cached -------------------------------------------------------------

    def _key(self, environ: dict) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
            return None
        lang = ""
        raw_cookies = environ.get("HTTP_COOKIE")
        if raw_cookies:
            cookies = parse_cookie(raw_cookies)  # exactly what request.cookies will hold
            if self.session_cookie in cookies or "remember_token" in cookies:
                return None  # a signed-in or form-filling visitor: the app decides
            lang = cookies.get(self.lang_cookie, "")
        # Everything a public page may depend on: scheme and host (absolute links, HTTPS
        # redirects), path, query (filters, ?lang=) and the remembered language.
        return (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            lang,
        )

    @staticmethod
    def _cacheable(status: str, headers: list[tuple[str, str]]) -> tuple[str, float] | None:
        """(etag, max-age) when this response may be shared; None otherwise."""
        if not status.startswith("200"):
            return None
        names = {name.lower(): value for name, value in headers}
        control = names.get("cache-control", "")
        etag = names.get("etag")
        if "set-cookie" in names or etag is None or "public" not in control:
            return None
        if "private" in control or "no-store" in control or "no-cache" in control:
            return None
        if "*" in parse_set_header(names.get("vary", "")):
            return None  # varies on something no key can name
        match = MAX_AGE.search(control)
        if match is None or int(match.group(1)) == 0:
            return None
        return unquote_etag(etag)[0] or "", float(match.group(1))

    # -- storage --------------------------------------------------------------------------

    @staticmethod
    def _full_key(base: tuple, vary: tuple[str, ...], environ: dict) -> tuple:
        """The base key plus the value of every request header the response varies on."""
        return (base, tuple(environ.get(_environ_name(name), "") for name in vary))

    @staticmethod
    def _cost(key: tuple, headers: list[tuple[str, str]], body: bytes) -> int:
        base, varied = key
        strings = [*(str(part) for part in base), *varied, *(f"{n}{v}" for n, v in headers)]
        return ENTRY_OVERHEAD + len(body) + sum(len(text.encode("utf-8", "replace")) for text in strings)

    def _get(self, base: tuple, environ: dict) -> Stored | None:
        with self._lock:
            vary = self._vary.get(base)
            if vary is None:
                return None
            key = self._full_key(base, vary, environ)
            stored = self._entries.get(key)
            if stored is None:
                return None
            if stored.expires <= self.clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return stored

    def _put(self, key: tuple, vary: tuple[str, ...], stored: Stored) -> None:
        with self._lock:
            self._sweep()
            if key in self._entries:
                self._drop(key)
            base = key[0]
            if self._vary.get(base, vary) != vary:  # the page now varies differently: start over
                for old in [k for k in self._entries if k[0] == base]:
                    self._drop(old)
            self._vary[base] = vary
            self._users[base] += 1
            self._entries[key] = stored
            self._size += stored.cost
            while self._size > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def _sweep(self) -> None:
        """Drop every expired entry, at most once per ``ttl`` (entries are in use order, not expiry)."""
        now = self.clock()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.ttl
        for key in [key for key, stored in self._entries.items() if stored.expires <= now]:
            self._drop(key)

    def _drop(self, key: tuple) -> None:
        self._size -= self._entries.pop(key).cost
        base = key[0]
        self._users[base] -= 1
        if self._users[base] <= 0:
            del self._users[base]
            self._vary.pop(base, None)

    # -- filling and answering ----------------------------------------------------------

    def _fill(self, base: tuple, environ: dict, start_response: StartResponse) -> Stored | Iterable[bytes]:
        """Ask the app for the full page (a conditional request is answered here afterwards)."""
        inner = dict(environ)
        inner.pop("HTTP_IF_NONE_MATCH", None)
        inner.pop("HTTP_IF_MODIFIED_SINCE", None)
        inner["REQUEST_METHOD"] = "GET"  # a HEAD fills the entry for the GETs that follow
        captured: dict = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None  # the legacy write() callable; Flask never uses it

        chunks = self.app(inner, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status, headers = captured["status"], captured["headers"]
        verdict = self._cacheable(status, headers)
        if verdict is None or len(body) > self.max_entry_bytes:
            return self._pass_on(status, headers, body, environ, start_response)
        etag, max_age = verdict
        vary = _vary_names(headers)
        key = self._full_key(base, vary, environ)
        cost = self._cost(key, headers, body)
        if cost > self.max_bytes:
            return self._pass_on(status, headers, body, environ, start_response)
        stored = Stored(headers, body, etag, self.clock() + min(self.ttl, max_age), cost)
        self._put(key, vary, stored)
        return stored

    @staticmethod
    def _pass_on(
        status: str, headers: list[tuple[str, str]], body: bytes, environ: dict, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Send an uncached answer as the app gave it, honouring If-None-Match as the app would."""
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if status.startswith("200") and etag and wanted and parse_etags(wanted).contains_weak(unquote_etag(etag)[0]):
            start_response("304 NOT MODIFIED", [(n, v) for n, v in headers if n.lower() not in BODY_HEADERS])
            return [b""]
        start_response(status, headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    @staticmethod
    def _answer(stored: Stored, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted and parse_etags(wanted).contains_weak(stored.etag):
            start_response("304 NOT MODIFIED", [(n, v) for n, v in stored.headers if n.lower() not in BODY_HEADERS])
            return [b""]
        start_response("200 OK", list(stored.headers))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [stored.body]
