"""Acting as staff in admin tests without the sign-in page: a Flask-Login session written directly.

The app uses ``session_protection = "strong"``, so the session also carries the identifier
Flask-Login derives from the client's address and User-Agent; a mismatch would sign us out.
"""

from __future__ import annotations

import html
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.extensions import db
from survey.models import Agency, AuditLog, User
from survey.sessions import open_session

CSRF_RAW = "0" * 40  # the session half of Flask-WTF's token; its signed form goes in the form field


def make_user(role: str, agency_code: str | None = None, email: str | None = None) -> User:
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code)) if agency_code else None
    user = User(
        email=email or f"{role}-{agency_code or 'city'}@example.gov.vn".lower(),
        name=role.title(),
        password_hash="unusable",  # signed in through the session; no password is ever checked
        role=role,
        agency_id=agency_id,
    )
    db.session.add(user)
    db.session.commit()
    return user


def session_identifier(app: Flask, remote_addr: str, user_agent: str) -> str:
    """Flask-Login's "strong" session-protection identifier for this address and browser."""
    with app.test_request_context(environ_base={"REMOTE_ADDR": remote_addr}, headers={"User-Agent": user_agent}):
        return _create_identifier()


def login_session(app: Flask, user: User, remote_addr: str, user_agent: str) -> dict:
    """A signed-in session as the sign-in page would leave it, server-side row included."""
    session_id = open_session(user)
    db.session.commit()
    return {
        "_user_id": session_id,
        "_fresh": True,
        "_id": session_identifier(app, remote_addr, user_agent),
        "csrf_token": CSRF_RAW,
    }


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    environ = client.environ_base
    values = login_session(client.application, user, environ["REMOTE_ADDR"], environ["HTTP_USER_AGENT"])
    with client.session_transaction() as session:
        session.update(values)
    return client


def csrf_token(client: FlaskClient) -> str:
    """A valid CSRF form token for this client's session (signed as Flask-WTF signs it)."""
    with client.session_transaction() as session:
        session.setdefault("csrf_token", CSRF_RAW)
        raw = session["csrf_token"]
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token").dumps(raw)


def session_cookie(app: Flask, user: User, user_agent: str, remote_addr: str = "127.0.0.1") -> str:
    """A signed session cookie value for a real browser (the live server sees it from ``remote_addr``)."""
    return app.session_interface.get_signing_serializer(app).dumps(login_session(app, user, remote_addr, user_agent))


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, as the page's own form would."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def upload_file(client: FlaskClient, path: str, content: str | bytes, filename: str = "data.csv"):
    """POST a CSV file as the upload form does (with its CSRF token)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # Encoded in memory: for a large file the test client would spool the form to a temporary
    # file that it never closes (a ResourceWarning, so an error under this suite's settings).
    fields = {"csrf_token": csrf_token(client), "file": FileStorage(io.BytesIO(data), filename)}
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


def text_of(response) -> str:
    """Page text with tags removed and whitespace collapsed, for readable assertions."""
    page = response.get_data(as_text=True)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
