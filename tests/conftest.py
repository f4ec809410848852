"""Fixtures: the real app on a real, fresh database per test (SQLite file or PostgreSQL).

Set SURVEY_TEST_DATABASE_URL to a PostgreSQL URL to run everything on PostgreSQL;
each pytest-xdist worker then gets its own database, created on demand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey import create_app
from survey.extensions import db as _db
from tests import factories

PG_URL = os.environ.get("SURVEY_TEST_DATABASE_URL")


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


@pytest.fixture(autouse=True)
def dispose_engines() -> Iterator[None]:
    """Close the pools of every app a test created (extra apps for limits, outages, production config)."""
    yield
    for engines in list(_db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()
