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
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from werkzeug.http import parse_etags, unquote_etag

log = logging.getLogger("survey.access")
MAX_AGE = re.compile(r"max-age=(\d+)")
# Headers that describe a body; a 304 carries none of them.
BODY_HEADERS = {"content-length", "content-type", "content-disposition"}

StartResponse = Callable[..., object]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Stored:
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    expires: float


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
        self._size = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        stored = self._get(key)
        if stored is None:
            stored = self._fill(key, environ, start_response)
            if not isinstance(stored, Stored):
                return stored  # not cacheable: already answered by the app
        else:
            log.info("%s %s 200 cached", environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        return self._answer(stored, environ, start_response)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    # -- what may be cached -------------------------------------------------------------

    def _key(self, environ: dict) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
            return None
        lang = ""
        raw_cookies = environ.get("HTTP_COOKIE")
        if raw_cookies:
            try:
                cookies = SimpleCookie(raw_cookies)
            except CookieError:
                return None
            if self.session_cookie in cookies or "remember_token" in cookies:
                return None  # a signed-in or form-filling visitor: the app decides
            if self.lang_cookie in cookies:
                lang = cookies[self.lang_cookie].value
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
        match = MAX_AGE.search(control)
        if match is None or int(match.group(1)) == 0:
            return None
        return unquote_etag(etag)[0] or "", float(match.group(1))

    # -- storage --------------------------------------------------------------------------

    def _get(self, key: tuple) -> Stored | None:
        with self._lock:
            stored = self._entries.get(key)
            if stored is None:
                return None
            if stored.expires <= self.clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return stored

    def _put(self, key: tuple, stored: Stored) -> None:
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = stored
            self._size += len(stored.body)
            while self._size > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        self._size -= len(self._entries.pop(key).body)

    # -- filling and answering ----------------------------------------------------------

    def _fill(self, key: tuple, environ: dict, start_response: StartResponse) -> Stored | Iterable[bytes]:
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
        stored = Stored(headers=headers, body=body, etag=etag, expires=self.clock() + min(self.ttl, max_age))
        self._put(key, stored)
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
