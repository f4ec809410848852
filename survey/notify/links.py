"""Absolute links for e-mails, built from BASE_URL (never from the request's Host header)."""

from __future__ import annotations

from typing import Any

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """``BASE_URL`` + the route's path; works in requests and in CLI jobs alike."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path
