"""Publication schedule: configured cron expressions, next runs in city time, publishing a period by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from ranking.periods import CITY_TZ, period_containing
from survey.admin.publishing import next_runs
from survey.models import AuditLog, Snapshot
from tests import factories
from tests.actions import post_form, text_of
from tests.admin.helpers import audit_count
from tests.publication.helpers import september_wards


def snapshots(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Snapshot))


def test_next_runs_follow_the_cron_expression_in_city_time():
    now = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
    monthly = next_runs("0 6 1 * *", now)
    assert [run.isoformat() for run in monthly] == [
        "2026-11-01T06:00:00+07:00",
        "2026-12-01T06:00:00+07:00",
        "2027-01-01T06:00:00+07:00",
    ]
    quarterly = next_runs("30 6 1 1,4,7,10 *", now)
    assert [(run.year, run.month) for run in quarterly] == [(2027, 1), (2027, 4), (2027, 7)]
    assert quarterly[0].tzinfo is not None and quarterly[0].astimezone(CITY_TZ).hour == 6


def test_page_shows_expressions_next_runs_and_scheduler_state(admin_client, app):
    page = text_of(admin_client.get("/admin/schedule?lang=en"))
    assert "SURVEY_PUBLISH_MONTHLY_CRON 0 6 1 * *" in page
    assert "SURVEY_PUBLISH_QUARTERLY_CRON 30 6 1 1,4,7,10 *" in page
    assert "The scheduler is disabled" in page
    first_of_next_month = period_containing(datetime.now(UTC), "month").next().start.strftime("%Y-%m-%d 06:00")
    assert first_of_next_month in page


def test_a_bad_cron_expression_is_shown_not_fatal(admin_client, app):
    app.config["PUBLISH_MONTHLY_CRON"] = "every day"
    response = admin_client.get("/admin/schedule?lang=en")
    assert response.status_code == 200 and "Invalid expression" in text_of(response)


def test_publish_an_ended_period_now(admin_client, db):
    september_wards()
    response = post_form(admin_client, "/admin/schedule/publish?lang=en", {"period": "2026-09"}, follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "2026-09, ward: published." in page and "2026-09, district: skipped (no responses)." in page
    snapshot = db.session.scalar(select(Snapshot))
    assert snapshot.period == "2026-09" and snapshot.peer_group == "ward" and not snapshot.provisional
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "snapshot.publish"))
    assert entry.actor == "admin@example.gov.vn" and entry.target == f"snapshot:{snapshot.id}"
    again = post_form(admin_client, "/admin/schedule/publish?lang=en", {"period": "2026-09"}, follow_redirects=True)
    assert "skipped (already published)" in text_of(again) and snapshots(db) == 1


def test_an_unfinished_period_needs_the_provisional_tick(admin_client, db):
    current = period_containing(datetime.now(UTC), "month").key
    response = post_form(admin_client, "/admin/schedule/publish?lang=en", {"period": current})
    assert response.status_code == 422
    assert "has not ended yet" in text_of(response)
    assert snapshots(db) == 0
    assert audit_count() == 0


def test_a_provisional_publication_is_marked(admin_client, db):
    factories.responses("Q1-BN", 40, 10, datetime.now(UTC))
    current = period_containing(datetime.now(UTC), "month").key
    data = {"period": current, "provisional": "y"}
    assert post_form(admin_client, "/admin/schedule/publish", data).status_code == 303
    assert db.session.scalar(select(Snapshot.provisional)) is True


@pytest.mark.parametrize("period", ["", "2026-13", "2026-Q5", "September", "2026-09; DROP TABLE snapshot"])
def test_a_bad_period_is_refused(admin_client, db, period):
    response = post_form(admin_client, "/admin/schedule/publish?lang=en", {"period": period})
    assert response.status_code == 422
    assert "Enter a month like 2026-10" in text_of(response)
    assert snapshots(db) == 0
