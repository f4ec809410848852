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


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def write_access_line(response: Response) -> Response:
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        path = redacted_path(request.path)
        fields = {"method": request.method, "path": path, "status": response.status_code, "ms": round(elapsed, 1)}
        if current_app.config["ACCESS_LOG_ADDRESSES"]:
            fields["client"] = request.remote_addr
        log.info("%s %s %s %.1fms", request.method, path, response.status_code, elapsed, extra={"http": fields})
        return response
