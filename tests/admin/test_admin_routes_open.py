"""The other side of the access matrix: an administrator reaches every admin route, uncached."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import Agency, ApiKey, Service
from survey.questions import active_question_set
from tests import factories
from tests.admin.test_access import ROUTES, send


@pytest.fixture
def targets(admin, db):
    factories.api_key(("Q1",))
    qset = active_question_set()
    db.session.commit()
    return {
        "agency": db.session.scalar(select(Agency.id).where(Agency.code == "Q1")),
        "service": db.session.scalar(select(Service.id).where(Service.code == "HT-KHAISINH")),
        "user": admin.id,
        "key": db.session.scalar(select(ApiKey.id)),
        "qset": qset.id,
    }


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_admins_are_let_in_and_pages_are_not_cached(admin_client, targets, method, path):
    response = send(admin_client, method, path.format(**targets))
    assert response.status_code not in (302, 401, 403, 404, 500), response.status_code
    assert response.headers["Cache-Control"] == "no-store"
