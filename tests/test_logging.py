"""Issue 14 item 8: JSON lines with request ids in production; tokens and secrets never reach a log."""

from __future__ import annotations

import json
import logging

import pytest

from config import ProductionConfig
from survey import create_app
from survey.logs import redact

TOKEN = "Zq3xM2kP9vT7yR1wB5nC8dF4gH6jK0lA2sD4fG6hJ8k"
SECRET_TEXTS = [
    f"GET /s/{TOKEN} HTTP/1.1",
    f"/s/{TOKEN}/qr.svg",
    f"http://localhost/auth/reset/{TOKEN}",
    f"Authorization: Bearer sk_{TOKEN}",
    f"?token={TOKEN}&page=2",
]


@pytest.mark.parametrize("text", SECRET_TEXTS)
def test_secrets_are_redacted_from_text(text):
    assert TOKEN not in redact(text)


@pytest.fixture
def production_client(monkeypatch, database_url):
    monkeypatch.setenv("SURVEY_SECRET_KEY", "x" * 48)
    app = create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_HOPS": 1})
    return app.test_client()


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_production_access_log_is_json_with_request_id_and_no_token_or_address(production_client, capsys):
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    response = production_client.get(f"/s/{TOKEN}", headers=headers)
    err = capsys.readouterr().err
    assert TOKEN not in err and "203.0.113.9" not in err
    access = [line for line in json_lines(err) if line["logger"] == "survey.access"]
    assert access and access[-1]["http"]["path"] == "/s/[token]"
    assert access[-1]["request_id"] == response.headers["X-Request-ID"]


def test_client_address_is_logged_only_when_configured(monkeypatch, database_url, capsys):
    monkeypatch.setenv("SURVEY_SECRET_KEY", "x" * 48)
    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_HOPS": 1, "ACCESS_LOG_ADDRESSES": True}
    client = create_app(ProductionConfig, overrides).test_client()
    client.get("/thanks", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    access = [line for line in json_lines(capsys.readouterr().err) if line["logger"] == "survey.access"]
    assert access[-1]["http"]["client"] == "203.0.113.9"


def test_error_log_of_a_token_path_is_redacted(app, monkeypatch, caplog):
    def boom(token):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "citizen.survey", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        assert app.test_client().get(f"/s/{TOKEN}").status_code == 500
    assert "unhandled error on GET /s/[token]" in caplog.text and TOKEN not in caplog.text


def test_development_server_request_line_is_redacted(caplog):
    from survey.logs import _install_redaction

    _install_redaction()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        # What werkzeug.serving logs for each request on the development server.
        logging.getLogger("werkzeug").info(
            '%s - - [%s] "%s" %s %s', "127.0.0.1", "now", f"GET /s/{TOKEN} HTTP/1.1", 200, "-"
        )
    assert "/s/[token]" in caplog.text and TOKEN not in caplog.text


def test_log_sender_never_logs_one_time_links(caplog):
    from survey.outbox import LogSender, Mail

    mail = Mail(1, "a@example.gov.vn", "Reset", f"Open http://localhost/auth/reset/{TOKEN} now")
    with caplog.at_level(logging.INFO, logger="survey.outbox"):
        LogSender().send(mail)
    assert "a@example.gov.vn" in caplog.text and TOKEN not in caplog.text
