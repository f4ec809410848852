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


def test_page_describes_the_timing_in_words_with_the_settings_set_apart(admin_client, app):
    page = text_of(admin_client.get("/admin/schedule?lang=en"))
    words, _sep, technical = page.partition("Technical details for the IT team")
    assert "On day 1 of every month at 06:00 (city time)" in words
    assert "On day 1 of January, April, July, October at 06:30 (city time)" in words
    assert "Automatic publication is switched off." in words and "SURVEY_" not in words
    first = period_containing(datetime.now(UTC), "month").next().start
    assert f"{first.day} {first.strftime('%B %Y')}, 06:00" in words
    assert "SURVEY_PUBLISH_MONTHLY_CRON = 0 6 1 * *" in technical


def test_a_bad_cron_expression_is_shown_not_fatal(admin_client, app):
    app.config["PUBLISH_MONTHLY_CRON"] = "every day"
    response = admin_client.get("/admin/schedule?lang=en")
    assert response.status_code == 200 and "Invalid expression" in text_of(response)


def publish_checked(client, data: dict):
    """Post the form, check the summary page, then confirm as the admin would."""
    check = post_form(client, "/admin/schedule/publish?lang=en", data)
    assert check.status_code == 200 and "A publication cannot be undone." in text_of(check)
    return post_form(client, "/admin/schedule/publish?lang=en", data | {"confirmed": "yes"}, follow_redirects=True)


def test_publish_now_shows_a_check_page_and_publishes_nothing_until_confirmed(admin_client, db):
    september_wards()
    check = text_of(post_form(admin_client, "/admin/schedule/publish?lang=en", {"period": "2026-09"}))
    assert "Period September 2026" in check and "Will be published" in check and "Wards" in check
    published = select(func.count()).select_from(AuditLog).where(AuditLog.action == "snapshot.publish")
    assert snapshots(db) == 0 and db.session.scalar(published) == 0


def test_publish_an_ended_period_now(admin_client, db):
    september_wards()
    response = publish_checked(admin_client, {"period": "2026-09"})
    assert response.status_code == 200
    page = text_of(response)
    assert "2026-09, ward: published." in page and "2026-09, district: skipped (no responses)." in page
    snapshot = db.session.scalar(select(Snapshot))
    assert snapshot.period == "2026-09" and snapshot.peer_group == "ward" and not snapshot.provisional
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "snapshot.publish"))
    assert entry.actor == "admin@example.gov.vn" and entry.target == f"snapshot:{snapshot.id}"
    again = publish_checked(admin_client, {"period": "2026-09"})
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
    data = {"period": current, "provisional": "y", "confirmed": "yes"}
    assert post_form(admin_client, "/admin/schedule/publish", data).status_code == 303
    assert db.session.scalar(select(Snapshot.provisional)) is True


@pytest.mark.parametrize("period", ["", "2026-13", "2026-Q5", "September", "2026-09; DROP TABLE snapshot"])
def test_a_bad_period_is_refused(admin_client, db, period):
    response = post_form(admin_client, "/admin/schedule/publish?lang=en", {"period": period, "confirmed": "yes"})
    assert response.status_code == 422
    assert "Enter a month like 2026-10" in text_of(response)
    assert snapshots(db) == 0
