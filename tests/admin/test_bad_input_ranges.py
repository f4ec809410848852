"""Issue 14 item 7: far dates, far periods and huge page numbers in admin input answer 4xx, never 500."""

from __future__ import annotations

import pytest

from tests.actions import post_form as post
from tests.actions import text_of


@pytest.mark.parametrize("page", ["99999999999999999999", "-99999999999999999999"])
def test_huge_audit_page_answers_4xx(admin_client, page):
    response = admin_client.get(f"/admin/audit?page={page}")
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "value"), [("completed_to", "9999-12-31"), ("completed_from", "0001-01-01")])
def test_far_sheet_dates_are_explained(admin_client, city, name, value):
    query = {"agency_id": "1", name: value, "lang": "en"}
    response = admin_client.get("/admin/cases/invitations/sheet", query_string=query)
    assert response.status_code == 422 and "Enter a date between 2000-01-01 and 2100-12-31" in text_of(response)


@pytest.mark.parametrize("period", ["0001-01", "0001-Q1", "9999-12", "1999-12", "2101-01"])
def test_far_period_publish_is_refused(admin_client, period):
    response = post(admin_client, "/admin/schedule/publish?lang=en", {"period": period})
    assert response.status_code == 422 and "Enter a month like 2026-10" in text_of(response)


def test_unicode_digit_committed_days_is_refused(admin_client, db):
    response = post(
        admin_client,
        "/admin/services/new?lang=en",
        {"code": "X-1", "name_vi": "X", "name_en": "X", "category": "c", "committed_days": "²"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize("value", ["a@b.example\n", "a@b.example\n\n"])
def test_email_with_a_trailing_newline_is_refused(app, value):
    from survey.admin.rules import email_problem

    with app.test_request_context("/?lang=en"):
        assert email_problem(value) is not None
