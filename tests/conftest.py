"""Fixtures: the real app on a real, fresh database per test (SQLite file or PostgreSQL).

Set SURVEY_TEST_DATABASE_URL to a PostgreSQL URL to run everything on PostgreSQL;
each pytest-xdist worker then gets its own database, created on demand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey import create_app
from survey.demo import database_is_empty, load_demo
from survey.extensions import db as _db
from tests import factories

PG_URL = os.environ.get("SURVEY_TEST_DATABASE_URL")
TESTS = Path(__file__).parent
SLOW_FOLDERS = {"browser": pytest.mark.browser, "load": pytest.mark.load}  # `make test-fast` skips these


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark by folder, and whatever starts gunicorn: ``-m "not browser and not load"`` is the fast lane."""
    for item in items:
        folder = item.path.relative_to(TESTS).parts[0]
        if folder in SLOW_FOLDERS:
            item.add_marker(SLOW_FOLDERS[folder])
        if "serve" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.load)


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own ``g`` and DB session), as under a real server.

    Without this, Flask reuses the test's app context, so state leaks between requests
    that a browser would make separately (two tabs, two citizens).
    """

    def open(self, *args, **kwargs):
        outer = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(outer)


def _worker_postgres_url(worker: str) -> str:
    """A per-worker database next to the given one, so parallel workers never collide."""
    url = make_url(PG_URL)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> str | None:
    # With the variable set, an unreachable server must fail the run, never skip it.
    return _worker_postgres_url(worker_id) if PG_URL else None


@pytest.fixture
def database_url(postgres_url: str | None, tmp_path) -> str:
    return postgres_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask):
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def city(db):
    """A small city: two districts with wards, a department, services."""
    return factories.small_city()


@pytest.fixture
def api_key(city) -> str:
    return factories.api_key()


DEMO_NOW = datetime(2026, 5, 20, 5, 0, tzinfo=UTC)  # 12:00 in Ho Chi Minh City


@dataclass(frozen=True)
class DemoCity:
    """The demo city loaded into its own database (seed 7, two months, 30% of the volume)."""

    app: Flask
    summary: str  # what ``load_demo`` printed


@pytest.fixture(scope="module")
def demo_city(postgres_url: str | None, tmp_path_factory) -> Iterator[DemoCity]:
    """Loaded once per module: tests that only read the demo share it instead of loading it again.

    On PostgreSQL it uses the worker's database, so a module using it must not also use the
    per-test ``app`` fixture (which drops and recreates the same tables).
    """
    url = postgres_url or f"sqlite:///{Path(tmp_path_factory.mktemp('demo')) / 'demo.sqlite3'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        assert database_is_empty()
        summary = load_demo(seed=7, months=2, echo=lambda _: None, now=DEMO_NOW, scale=0.3)
        _db.session.remove()
    yield DemoCity(app, summary)
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def demo(demo_city: DemoCity) -> Iterator[DemoCity]:
    """The module's demo city, with its app context pushed for this test (``db.session`` reads it)."""
    with demo_city.app.app_context():
        yield demo_city
        _db.session.remove()


@pytest.fixture(autouse=True)
def dispose_engines() -> Iterator[None]:
    """Close the pools of every app a test created (extra apps for limits, outages, production config)."""
    yield
    for engines in list(_db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()
