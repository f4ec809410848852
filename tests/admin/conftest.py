"""Admin test fixtures: the small city, a signed-in administrator and their client."""

from __future__ import annotations

import pytest

from tests.admin.helpers import make_user, sign_in


@pytest.fixture
def admin(city):
    return make_user("admin", email="admin@example.gov.vn")


@pytest.fixture
def admin_client(app, admin):
    return sign_in(app.test_client(), admin)
