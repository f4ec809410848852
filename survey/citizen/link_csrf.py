"""The survey form's CSRF token, bound to its link instead of a session cookie.

A cross-site forgery works by riding on credentials the browser sends by itself (cookies).
The survey form has none: what lets a POST in is the secret link in its URL, and a forger
who knows the link can answer from their own machine anyway. What the CSRF token still
adds is that a POST carries a value only our form handed out for that link; an HMAC of the
link's hash under the app's secret gives that without a session.

So the citizen's page sets no cookie at all (nothing to consent to, nothing to track), and
a POST can be checked without opening a session: survey.citizen.fastlane relies on it.
Like the session-bound token it replaces (WTF_CSRF_TIME_LIMIT is off for the survey: a
form may stay open on a phone for hours), it does not expire; the link itself does.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

_LABEL = b"survey-form-csrf/v1"


def csrf_key(secret: str) -> bytes:
    """The per-app key: derived from the secret, so it is never the secret itself."""
    return hmac.new(secret.encode(), _LABEL, hashlib.sha256).digest()


def link_csrf_token(key: bytes, token: str) -> str:
    """The form's CSRF value for the link ``token`` (64 hex characters)."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def valid_link_csrf(key: bytes, token: str, value: str | None) -> bool:
    # As bytes: compare_digest refuses non-ASCII str, and a forged value may be anything.
    given = str(value).encode("utf-8", "backslashreplace") if value else b""
    return bool(given) and hmac.compare_digest(given, link_csrf_token(key, token).encode())


def app_csrf_key() -> bytes:
    kept = current_app.extensions.get("survey_csrf_key")
    if kept is None:
        kept = current_app.extensions["survey_csrf_key"] = csrf_key(current_app.config["SECRET_KEY"])
    return kept


class LinkCSRF(CSRF):
    """WTForms CSRF for the survey form: the token of the link in the request's URL."""

    def generate_csrf_token(self, csrf_token_field) -> str:
        return link_csrf_token(app_csrf_key(), request.view_args.get("token", ""))

    def validate_csrf_token(self, form, field) -> None:
        if not valid_link_csrf(app_csrf_key(), request.view_args.get("token", ""), field.data):
            raise ValidationError(_l("The form expired. Please answer again and send."))
