"""HTTP caching of published pages: strong ETags, Cache-Control and 304 answers.

A snapshot never changes, so a page drawn from one is identified by the snapshot's
content hash plus what else shapes the page (locale, query). The ETag is known
before rendering, so a conditional request is answered without rendering anything.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Response, current_app, make_response, request

from survey.i18n import LANG_COOKIE, current_locale

# Bump when a template change must reach readers who hold cached copies of snapshot pages.
RENDER_VERSION = "public-1"
LATEST = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"


def snapshot_etag(*parts: object) -> str:
    """ETag value for a page built from published data: hash of parts, locale and query."""
    digest = hashlib.sha256()
    for part in (RENDER_VERSION, current_locale(), request.path, request.query_string.decode("latin-1"), *parts):
        digest.update(str(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:40]


def file_etag(*parts: object) -> str:
    """ETag value for a download that does not depend on language or query (CSV, JSON, SVG)."""
    digest = hashlib.sha256()
    for part in (RENDER_VERSION, request.path, *parts):
        digest.update(str(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:40]


def _sets_language_cookie() -> bool:
    # survey.i18n remembers an explicit ?lang= choice in a cookie; a shared cache must
    # not hand that Set-Cookie to other readers, so such responses are private.
    choice = request.args.get("lang")
    return choice in current_app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != choice


def _policy(cache_control: str) -> str:
    return cache_control.replace("public", "private", 1) if _sets_language_cookie() else cache_control


def decorate(response: Response, etag: str | None, cache_control: str, localised: bool = True) -> Response:
    """Set ETag, Cache-Control (private if a language cookie is being set) and Vary."""
    if etag is not None:
        response.set_etag(etag)
    response.headers["Cache-Control"] = _policy(cache_control)
    if localised:
        response.vary.add("Cookie")  # the language can come from the cookie
    return response


class RenderCache:
    """Pages rendered from immutable snapshots, by ETag: a small per-process LRU.

    The ETag already names everything a page depends on, so a hit is the same bytes a
    render would produce; readers without a cached copy then cost about as much as a 304.
    """

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, etag: str, render: Callable[[], str]) -> str:
        with self._lock:
            if etag in self._pages:
                self._pages.move_to_end(etag)
                return self._pages[etag]
        text = render()  # outside the lock: two threads may render the same page once each
        with self._lock:
            self._pages[etag] = text
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return text


def render_cache() -> RenderCache:
    return current_app.extensions.setdefault("public_render_cache", RenderCache())


def conditional(
    etag: str,
    cache_control: str,
    render: Callable[[], Response | str],
    *,
    localised: bool = True,
    memo: bool = False,
    mimetype: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """304 when the client holds ``etag``; otherwise render (or reuse a page) and send it with caching headers.

    With ``memo`` the rendered text is kept by ETag (``render`` must then return text;
    ``mimetype`` and ``headers`` describe it).
    """
    if request.if_none_match.contains_weak(etag):
        return decorate(Response(status=304), etag, cache_control, localised)
    body = render_cache().page(etag, render) if memo else render()  # type: ignore[arg-type]
    response = Response(body, mimetype=mimetype) if mimetype else make_response(body)
    response.headers.update(headers or {})
    return decorate(response, etag, cache_control, localised)


def by_content(response: Response | str, cache_control: str = LATEST) -> Response:
    """For pages mixing published and live data (home, agency): ETag from the rendered bytes."""
    response = make_response(response)
    response.add_etag()
    decorate(response, None, cache_control)
    return response.make_conditional(request)
