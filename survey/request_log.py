"""Access log without secrets: tokens are redacted and no client address is kept unless configured.

One line per request on the ``survey.access`` logger, with the request id; the client's
address is added only when ``SURVEY_ACCESS_LOG_ADDRESSES`` is on (personal data: off by
default). Microcache hits are logged by survey.microcache, without a request id.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, current_app, g, request

from survey.logs import redact

log = logging.getLogger("survey.access")


def redacted_path(path: str) -> str:
    """``path`` with survey and reset tokens replaced, for any log line that names a path."""
    return redact(path)


def access_line(method: str, path: str, status: int, elapsed_ms: float, client: str | None) -> None:
    """The one access-log line of a request (``client`` only when addresses are configured)."""
    path = redacted_path(path)
    fields = {"method": method, "path": path, "status": status, "ms": round(elapsed_ms, 1)}
    if client is not None:
        fields["client"] = client
    log.info("%s %s %s %.1fms", method, path, status, elapsed_ms, extra={"http": fields})


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def write_access_line(response: Response) -> Response:
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        client = request.remote_addr if current_app.config["ACCESS_LOG_ADDRESSES"] else None
        access_line(request.method, request.path, response.status_code, elapsed, client)
        return response
