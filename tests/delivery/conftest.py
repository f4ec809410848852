from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest

from ranking.periods import CITY_TZ
from tests import factories
from tests.delivery.gateway import Gateway

INBOUND_SECRET = "inbound-test-secret"


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    yield server
    server.close()


@pytest.fixture
def delivering(app, gateway):
    """The app configured to deliver through the test gateway, with a small city and an API key."""
    app.config.update(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TIMEOUT=1, SMS_INBOUND_SECRET=INBOUND_SECRET)
    factories.small_city()
    return app


def city_time(days: int, hour: int, minute: int = 0) -> datetime:
    """A fixed clock for the deliverer: ``hour`` in Ho Chi Minh City, ``days`` after tomorrow.

    Tomorrow, so day 0 is after the cases registered now on the real clock, whatever its hour.
    """
    return datetime.combine(date.today() + timedelta(days=days + 1), time(hour, minute), CITY_TZ)
