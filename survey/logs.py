"""Logging: secrets redacted in every record, JSON lines in production, a request id per request.

Redaction happens when a record is *created* (a log-record factory), so it covers every
logger and handler alike: ours, Werkzeug's development server, gunicorn's, a library's.
Survey tokens and reset tokens (both travel in URL paths), bearer and API keys and
``token=``/``key=``/``password=`` values become ``[redacted]``.

Production writes one JSON object per line to standard error (gunicorn passes it on to
systemd's journal or the container runtime); ``SURVEY_LOG_FORMAT=text`` keeps plain lines.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

SECRETS = [
    (re.compile(r"(/s/)[^/\s?\"']+"), r"\1[token]"),
    (re.compile(r"(/auth/reset/)[^/\s?\"']+"), r"\1[token]"),
    (re.compile(r"(?i)(bearer\s+)[^\s\"',]+"), r"\1[redacted]"),
    (re.compile(r"\bsk_[A-Za-z0-9_-]{8,}"), "sk_[redacted]"),
    (re.compile(r"(?i)\b(token|key|password|secret)=[^&\s\"']+"), r"\1=[redacted]"),
]
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}\Z")
# The request id of a request answered outside Flask (survey.citizen.fastlane), which has no ``g``.
LANE_REQUEST_ID: ContextVar[str | None] = ContextVar("lane_request_id", default=None)
# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def redact(text: str) -> str:
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _install_redaction() -> None:
    """Wrap the log-record factory once per process (create_app may run many times)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def redacting_factory(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let logging report it as usual
            return record
        record.msg, record.args = redact(message), ()
        record.request_id = g.get("request_id") if has_request_context() else LANE_REQUEST_ID.get()
        return record

    redacting_factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        entry.update({k: v for k, v in vars(record).items() if k not in STANDARD and k != "request_id"})
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a server or test may replace it)."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _configure_handlers(app: Flask) -> None:
    root = logging.getLogger()
    root.setLevel(app.config["LOG_LEVEL"])
    if app.config["LOG_FORMAT"] != "json":
        return
    if any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        return  # gunicorn's logconfig_dict (or an earlier app) already set it up
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)


def request_id_for(environ: dict, trust_proxy: bool) -> str:
    """A proxy's id is kept (so its log and ours join up) when it looks like one, else a new one."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    return incoming if trust_proxy and REQUEST_ID.match(incoming) else uuid.uuid4().hex


def init_app(app: Flask) -> None:
    _install_redaction()
    if not app.testing:
        _configure_handlers(app)

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = request_id_for(request.environ, bool(app.config["PROXY_HOPS"]))

    @app.after_request
    def send_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
