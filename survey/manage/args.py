"""Ids and page numbers from managers' query strings: anything malformed is an unknown id (404), never a 500."""

from __future__ import annotations

from flask import abort, request

from survey.bounds import small_int


def id_arg(name: str) -> int | None:
    """An id from the query string; anything but digits is treated as an unknown id (404)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = small_int(raw)
    if value is None:
        abort(404)
    return value


def page_arg() -> int:
    return small_int(request.args.get("page"), max_digits=6) or 1
