"""Issue 14 item 2: production refuses per-worker limiter counters and reports a proxy it does not expect."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from config import ProductionConfig
from survey import create_app
from survey.deploy_checks import check_server

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
PRODUCTION = {"ENV_NAME": "production", "RATELIMIT_ENABLED": True}


@pytest.mark.parametrize("workers", [2, 5])
def test_production_refuses_memory_rate_limits_with_several_workers(workers):
    with pytest.raises(SystemExit, match="SURVEY_RATELIMIT_STORAGE_URL"):
        check_server({**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"}, workers)


@pytest.mark.parametrize(
    ("settings", "workers"),
    [
        ({**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/5"}, 5),
        ({**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"}, 1),
        ({"ENV_NAME": "development", "RATELIMIT_STORAGE_URI": "memory://"}, 5),
    ],
)
def test_settings_that_count_correctly_start(settings, workers):
    check_server(settings, workers)


def test_gunicorn_refuses_to_start_with_memory_limits_and_workers(monkeypatch):
    monkeypatch.setenv("SURVEY_ENV", "production")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    hooks = runpy.run_path(str(GUNICORN_CONF))
    with pytest.raises(SystemExit):
        hooks["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=3)))
    hooks["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=1)))


@pytest.fixture
def production_app(monkeypatch, database_url):
    def make(hops: int):
        monkeypatch.setenv("SURVEY_SECRET_KEY", "x" * 48)
        return create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_HOPS": hops})

    return make


def test_forwarded_headers_while_proxy_hops_is_zero_are_reported_loudly(production_app, caplog):
    client = production_app(0).test_client()
    with caplog.at_level(logging.ERROR, logger="survey.deploy"):
        for _ in range(3):
            client.get("/thanks", base_url="https://survey.example", headers={"X-Forwarded-For": "203.0.113.9"})
    reports = [r for r in caplog.records if r.name == "survey.deploy"]
    assert len(reports) == 1 and "SURVEY_PROXY_HOPS=0" in reports[0].getMessage()  # once per ten minutes
    assert "203.0.113.9" not in reports[0].getMessage()


def test_proxy_hops_without_forwarded_header_is_reported(production_app, caplog):
    client = production_app(1).test_client()
    with caplog.at_level(logging.ERROR, logger="survey.deploy"):
        client.get("/thanks", base_url="https://survey.example")
    assert any("forge their address" in r.getMessage() for r in caplog.records if r.name == "survey.deploy")


def test_a_correct_proxy_setting_is_quiet(production_app, caplog):
    client = production_app(1).test_client()
    with caplog.at_level(logging.ERROR, logger="survey.deploy"):
        client.get("/thanks", base_url="https://survey.example", headers={"X-Forwarded-For": "203.0.113.9"})
    assert not [r for r in caplog.records if r.name == "survey.deploy"]
