"""Access log without secrets: survey tokens are redacted and no client address is kept."""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request

log = logging.getLogger("survey.access")
TOKEN_IN_PATH = re.compile(r"^/s/[^/]+")


def redacted_path(path: str) -> str:
    return TOKEN_IN_PATH.sub("/s/[token]", path)


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def write_access_line(response: Response) -> Response:
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info("%s %s %s %.1fms", request.method, redacted_path(request.path), response.status_code, elapsed)
        return response
