"""A published small city built once per module for read-only page tests.

Page tests only read, so they share one SQLite database per module instead of
publishing (and drawing charts) again for every test. Tests that write use the
per-test ``app``/``db`` fixtures from tests/conftest.py as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey import create_app
from survey.extensions import db as _db
from tests.conftest import IsolatedClient
from tests.public.helpers import SmallSite, build_small_site


@dataclass
class Site:
    app: Flask
    ids: SmallSite

    def client(self) -> FlaskClient:
        return self.app.test_client()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    path = tmp_path_factory.mktemp("public-site") / "site.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.create_all()
        ids = build_small_site()
        _db.session.remove()
    yield Site(app, ids)
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def site_client(site: Site) -> FlaskClient:
    return site.client()
