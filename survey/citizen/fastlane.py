"""The citizen's two everyday requests without the Flask request stack (issue 16).

Nearly every survey request is one of two: the first view of an open link (GET, no query)
and a complete, valid submission of it (POST). Under py-spy, Flask's per-request work
around them (request context, session, Babel, Talisman, Flask-Limiter's decorator,
WTForms, the ORM session) cost more than the database round trip they exist for. This WSGI
middleware answers exactly those two from the same parts the view uses, and hands every
other request, untouched, to the app:

* a GET is answered only from a page the view has already drawn and kept for that question
  set and language (survey.citizen.page), with the headers the app sent with it, so the two
  paths cannot drift apart; until then the view answers and the lane learns from it;
* a POST is answered only when it would plainly be accepted: right CSRF token, every answer
  one of the options shown, the required one given, the comment within its limit, nothing
  repeated. Anything else (errors to show, the language button, a used or expired link, an
  odd body) goes to the view, which re-checks it with WTForms and answers as before;
* the same rate limits, counted in the same Flask-Limiter buckets; when the lane has
  counted a POST and then hands it on, it says so in the environ so it is not counted twice;
* the same storage (survey.submissions.store_submission: one statement, the database decides
  which of two racing submissions wins, PII scrubbed), the same access-log line and request
  id, no cookie.

``SURVEY_CITIZEN_FAST_LANE=0`` turns it off; tests compare both paths byte for byte.
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from flask import Flask
from limits import parse_many
from werkzeug.http import parse_cookie
from werkzeug.utils import redirect

from survey.citizen.lane_db import LaneConnection, LaneStatements, read_link_raw, store_raw
from survey.citizen.link_csrf import app_csrf_key, link_csrf_token, valid_link_csrf
from survey.citizen.page import fill_skeleton, kept_skeleton
from survey.citizen.routes import LIMITS_SPENT, agency_cannot_link, page_values, token_bucket
from survey.extensions import db, limiter
from survey.i18n import LANG_COOKIE
from survey.integrity.device import device_hash
from survey.logs import LANE_REQUEST_ID, request_id_for
from survey.questions import survey_question_set
from survey.request_log import access_line
from survey.responses import LinkState
from survey.submissions import LinkView, link_params, read_link, store_submission, submission_params
from survey.tokens import looks_like_token

log = logging.getLogger(__name__)

StartResponse = Callable[..., object]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]

# Headers that belong to one response, never to a page or redirect kept for many.
PER_RESPONSE = frozenset(
    {"content-length", "date", "x-request-id", "retry-after"}
    | {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}
)
FORM_TYPE = "application/x-www-form-urlencoded"
HELPED_VALUES = frozenset({"yes", "no"})
ENDPOINT = "citizen.survey"


class SurveyFastLane:
    """WSGI middleware in front of the app (inside ProxyFix, so addresses are the client's)."""

    def __init__(self, wsgi_app: WsgiApp, flask_app: Flask) -> None:
        self.app = wsgi_app
        self.flask_app = flask_app
        config = flask_app.config
        self.languages = tuple(config["LANGUAGES"])
        self.default_locale = config["BABEL_DEFAULT_LOCALE"]
        self.comment_limit = config["COMMENT_MAX_CHARS"]
        self.log_addresses = bool(config["ACCESS_LOG_ADDRESSES"])
        self.trust_proxy_id = bool(config["PROXY_HOPS"])
        # Longest body the lane reads itself: every answer, the CSRF token and a full comment
        # percent-encoded (up to 9 bytes per character for 3-byte UTF-8).
        self.max_body = 2048 + 9 * self.comment_limit
        # The view's two limits (per address, per link), parsed once, in Flask-Limiter's order.
        self.limits = sorted(
            [(item, 0) for item in parse_many(config["RATELIMIT_SURVEY"])]
            + [(item, 1) for item in parse_many(config["RATELIMIT_SURVEY_TOKEN"])],
            key=lambda pair: pair[0],
        )
        # What the app sent with a kept page, per (question set, language, agency-cannot-link);
        # and its redirect after a stored answer, per language: learnt from the app's own answers.
        self._page_headers: dict[tuple, list[tuple[str, str]]] = {}
        self._raw_lane: tuple | None = None
        self.served = Counter()  # requests the lane answered itself, by method (tests, debugging)
        self._thanks: dict[str, tuple[list[tuple[str, str]], bytes]] = {}

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if not path.startswith("/s/") or environ.get("QUERY_STRING") or method not in ("GET", "POST"):
            return self.app(environ, start_response)
        token = path[3:]
        if not looks_like_token(token):
            return self.app(environ, start_response)
        started = time.perf_counter()
        request_id = request_id_for(environ, self.trust_proxy_id)
        marker = LANE_REQUEST_ID.set(request_id)
        try:
            if method == "GET":
                answer = self._get(environ, start_response, token)
            else:
                answer = self._post(environ, start_response, token)
            if not isinstance(answer, tuple):  # the app answers (maybe watched, to learn from it)
                return self.app(environ, answer or start_response)
            status, headers, body = answer
            headers = [*headers, ("Content-Length", str(len(body))), ("X-Request-ID", request_id)]
            start_response(status, headers)
            self.served[method] += 1
            client = environ.get("REMOTE_ADDR") if self.log_addresses else None
            access_line(method, path, int(status[:3]), (time.perf_counter() - started) * 1000, client)
            return [body]
        finally:
            LANE_REQUEST_ID.reset(marker)

    # -- the first view ------------------------------------------------------------------

    def _locale(self, environ: dict) -> str:
        raw = environ.get("HTTP_COOKIE")
        choice = parse_cookie(raw).get(LANG_COOKIE) if raw else None
        return choice if choice in self.languages else self.default_locale

    def _get(self, environ: dict, start_response: StartResponse, token: str):
        locale = self._locale(environ)
        try:
            with self.flask_app.app_context():
                qset = survey_question_set()
                link = self._read_link(token)
                if link.state is not LinkState.OPEN:
                    return None  # the app explains a closed link (and shows a published reply)
                key = (qset.id, locale, agency_cannot_link(link.source, link.delivery_channel))
                skeleton, headers = kept_skeleton(key), self._page_headers.get(key)
                if skeleton is None or headers is None:
                    return self._learn_page(key, start_response)
                values = page_values(token, link, locale)
                values["csrf"] = link_csrf_token(app_csrf_key(), token)
        except Exception:  # anything unexpected: the app answers it, with its own error pages
            log.debug("fast lane passed a GET on", exc_info=True)
            return None
        return "200 OK", headers, fill_skeleton(skeleton, values).encode()

    # -- the database: raw psycopg on PostgreSQL, a pooled connection elsewhere -----------

    def attach_database(self, engine) -> None:
        """Called once by create_app, with the engine, before any request: on PostgreSQL the
        lane keeps its own connections and its compiled statements (survey.citizen.lane_db)."""
        if engine.dialect.name == "postgresql":
            self._raw_lane = (LaneConnection(engine), LaneStatements(engine))

    def _raw(self) -> tuple[LaneConnection, LaneStatements] | None:
        return self._raw_lane

    def _read_link(self, token: str) -> LinkView:
        raw = self._raw()
        if raw is not None:
            return read_link_raw(*raw, link_params(token))
        with db.engine.begin() as conn:
            return read_link(token, conn)

    def _store(self, token, qset, choices, comment, locale, assisted, device) -> bool | None:
        raw = self._raw()
        if raw is not None:
            params = submission_params(token, qset, choices, comment, locale, assisted, device)
            return store_raw(*raw, params)
        with db.engine.begin() as conn:  # SQLite: the two inserts in one transaction
            return store_submission(token, qset, choices, comment, locale, assisted, device, conn=conn)

    def _learn_page(self, key: tuple, start_response: StartResponse) -> StartResponse:
        def learning(status: str, headers: list[tuple[str, str]], exc_info=None):
            if status.startswith("200 ") and exc_info is None and not _sets_cookie(headers):
                self._page_headers[key] = [(n, v) for n, v in headers if n.lower() not in PER_RESPONSE]
            return start_response(status, headers, exc_info)

        return learning

    # -- a plain, valid submission -------------------------------------------------------

    def _post(self, environ: dict, start_response: StartResponse, token: str):
        if environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower() != FORM_TYPE:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 < length <= self.max_body:
            return None
        body = environ["wsgi.input"].read(length)
        # Whatever happens next, the app can read the body again.
        environ["wsgi.input"] = io.BytesIO(body)
        locale = self._locale(environ)
        thanks = self._thanks.get(locale)
        if thanks is None:
            return self._learn_thanks(locale, start_response)
        try:
            fields = parse_qsl(body.decode("utf-8", "strict"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            return None
        form = dict(fields)
        if len(form) != len(fields) or "switch_language" in form:
            return None
        try:
            with self.flask_app.app_context():
                if not valid_link_csrf(app_csrf_key(), token, form.get("csrf_token")):
                    return None
                qset = survey_question_set()
                answers = plain_answers(qset, form, self.comment_limit)
                if answers is None:
                    return None
                choices, comment = answers
                address = environ.get("REMOTE_ADDR")
                if not self._spend_tries(address, token):
                    return None  # the app counts it too, and answers 429
                environ[LIMITS_SPENT] = True
                stored = self._store(
                    token, qset, choices, comment, locale, form.get("helped") == "yes", device_hash(address)
                )
        except Exception:
            log.debug("fast lane passed a POST on", exc_info=True)
            return None
        if stored is not True:
            return None  # used or expired: the app says which
        headers, redirect_body = thanks
        return "303 SEE OTHER", headers, redirect_body

    def _learn_thanks(self, locale: str, start_response: StartResponse) -> StartResponse:
        def learning(status: str, headers: list[tuple[str, str]], exc_info=None):
            location = dict((n.lower(), v) for n, v in headers).get("location", "")
            if status.startswith("303 ") and exc_info is None and not _sets_cookie(headers) and "thanks" in location:
                kept = [(n, v) for n, v in headers if n.lower() not in PER_RESPONSE]
                self._thanks[locale] = (kept, redirect(location, code=303).get_data())
            return start_response(status, headers, exc_info)

        return learning

    def _spend_tries(self, address: str | None, token: str) -> bool:
        """Count this POST as Flask-Limiter would for the view: same limits, keys and buckets."""
        if not limiter.enabled:
            return True
        keys = (address or "127.0.0.1", token_bucket(token))
        prefix = [limiter._key_prefix] if limiter._key_prefix else []
        strategy = limiter.limiter
        return all(strategy.hit(item, *prefix, keys[which], ENDPOINT, cost=1) for item, which in self.limits)


def plain_answers(qset, form: dict[str, str], comment_limit: int) -> tuple[dict[str, int | None], str | None] | None:
    """The answers of a form that WTForms would accept as it stands, or None to let it decide.

    Accepts less than WTForms does, never more: each radio answer absent or exactly one of
    its options, the required overall answer present, the comment within its limit.
    """
    choices: dict[str, int | None] = {}
    comment = None
    for question in qset.questions:
        raw = form.get(question.key)
        if question.kind == "text":
            if raw is not None and len(raw) > comment_limit:
                return None
            comment = raw
            continue
        if raw is None:
            if question.key == "overall":
                return None
            choices[question.key] = None
            continue
        if raw not in {str(option.value) for option in question.options}:
            return None
        choices[question.key] = int(raw)
    if form.get("helped") not in (None, *HELPED_VALUES):
        return None
    return choices, comment


def _sets_cookie(headers: list[tuple[str, str]]) -> bool:
    return any(name.lower() == "set-cookie" for name, _ in headers)
