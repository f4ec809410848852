"""Admin test fixtures: the small city, an administrator, and their client signed in through the form."""

from __future__ import annotations

import pytest

from tests import factories
from tests.actions import signed_in


@pytest.fixture
def admin(city):
    return factories.user("admin@example.gov.vn", "admin")


@pytest.fixture
def admin_client(app, admin):
    return signed_in(app.test_client(), admin.email)
