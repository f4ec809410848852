"""What a person does in tests: sign in through the real form, post forms with their CSRF token, answer a survey.

Every signed-in test goes through ``sign_in``: the same page, form, password check and
session handling a member of staff meets, so no test depends on Flask-Login's internals.
"""

from __future__ import annotations

import html
import io
import re

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def csrf_token(client: FlaskClient, path: str = "/auth/sign-in") -> str:
    """A valid token for this client's session, read from a page that has a form."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return csrf_from(page.get_data(as_text=True))


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_path: str | None = None) -> TestResponse:
    """Fill in and send the sign-in form, as a person would."""
    token = csrf_token(client)
    url = "/auth/sign-in" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def signed_in(client: FlaskClient, email: str, password: str = PASSWORD) -> FlaskClient:
    """The client, after a successful sign-in (for fixtures that hand out a staff member's browser)."""
    response = sign_in(client, email, password)
    assert response.status_code == 303, (email, response.status_code)
    return client


def _form_page(path: str) -> str:
    """A page of the same area whose layout carries a CSRF token (the sign-out form)."""
    return "/admin/" if path.startswith("/admin") else "/manage/"


def post_form(
    client: FlaskClient, path: str, data: dict | list | None = None, form_page: str | None = None, **kwargs
) -> TestResponse:
    """POST with a CSRF token taken from a page the signed-in user can open (``kwargs`` go to the client)."""
    items = (data or {}).items() if isinstance(data, dict | None) else data
    pairs = [(key, v) for key, value in items for v in (value if isinstance(value, list | tuple) else [value])]
    token = csrf_token(client, form_page or _form_page(path))
    return client.post(path, data=MultiDict([*pairs, ("csrf_token", token)]), **kwargs)


def upload_file(client: FlaskClient, path: str, content: str | bytes, filename: str = "data.csv") -> TestResponse:
    """POST a CSV file as the upload form does (with its CSRF token)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # Encoded in memory: for a large file the test client would spool the form to a temporary
    # file that it never closes (a ResourceWarning, so an error under this suite's settings).
    fields = {"csrf_token": csrf_token(client, _form_page(path)), "file": FileStorage(io.BytesIO(data), filename)}
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def text_of(response: TestResponse) -> str:
    """Page text with tags removed and whitespace collapsed, for readable assertions."""
    page = response.get_data(as_text=True)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def answers(**overrides: str) -> dict[str, str]:
    """A complete, valid survey form (a satisfied citizen); override any field."""
    data = {
        "overall": "5",
        "ease": "4",
        "timeliness": "2",
        "courtesy": "5",
        "fairness": "1",
        "outcome": "1",
        "visits": "1",
        "comment": "",
    }
    data.update(overrides)
    return data


def submit(client: FlaskClient, token: str, **overrides: str) -> TestResponse:
    """Open the survey link and send the form with its CSRF token."""
    page = client.get(f"/s/{token}")
    assert page.status_code == 200, page.status_code
    data = answers(**overrides)
    data["csrf_token"] = csrf_from(page.get_data(as_text=True))
    return client.post(f"/s/{token}", data=data)
