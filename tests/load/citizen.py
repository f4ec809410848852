"""A citizen over real HTTP: open the link (form, CSRF field, any cookie), then post it."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from tests.actions import answers

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Opened:
    status: int
    csrf: str | None
    cookie: str | None


def _connection(base_url: str, timeout: float) -> http.client.HTTPConnection:
    host, port = base_url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def open_form(base_url: str, token: str, headers: dict[str, str] | None = None, timeout: float = 30) -> Opened:
    conn = _connection(base_url, timeout)
    try:
        conn.request("GET", f"/s/{token}", headers=headers or {})
        reply = conn.getresponse()
        html = reply.read().decode()
        cookies = [c.split(";", 1)[0] for c in reply.msg.get_all("Set-Cookie") or [] if c.startswith("session=")]
    finally:
        conn.close()
    match = CSRF_RE.search(html)
    return Opened(reply.status, match.group(1) if match else None, cookies[0] if cookies else None)


def post_form(
    base_url: str, token: str, opened: Opened, headers: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, str]:
    """POST the answers; returns (status, body). Raises OSError if the connection dies."""
    conn = _connection(base_url, timeout)
    body = urlencode(answers() | {"csrf_token": opened.csrf or ""})
    try:
        conn.request(
            "POST",
            f"/s/{token}",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": opened.cookie or "",
                **(headers or {}),
            },
        )
        reply = conn.getresponse()
        return reply.status, reply.read().decode()
    finally:
        conn.close()
