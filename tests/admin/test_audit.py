"""The audit log viewer: newest first, paginated, filtered by action and actor, before/after shown."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from survey.audit import record
from survey.models import AuditLog
from tests.actions import post_form, text_of


def fill(db, count: int, action: str = "agency.update", actor: str = "lan@example.gov.vn") -> None:
    for n in range(count):
        record(actor, action, f"agency:{n}", {"name_vi": f"Cũ {n}"}, {"name_vi": f"Mới {n}"})
    db.session.commit()


def table_of(response) -> str:
    """The page after the filter form (whose action list names every kind of entry)."""
    return text_of(response).partition("Filter")[2]


def test_entries_are_written_in_words(admin_client, db):
    fill(db, 1)
    page = text_of(admin_client.get("/admin/audit?lang=en"))
    assert "lan@example.gov.vn" in page and "Changed an agency" in page
    assert "Name in Vietnamese: Cũ 0 → Mới 0" in page and "agency.update" not in page and "{" not in page


def test_pages_of_fifty_newest_first(admin_client, db):
    fill(db, 120)  # filtered by action: the admin's own sign-in is in the log too
    first = text_of(admin_client.get("/admin/audit?action=agency.update&lang=en"))
    assert "120 entries" in first and "Page 1 of 3" in first
    assert "agency:119" in first and "agency:69" not in first
    third = text_of(admin_client.get("/admin/audit?action=agency.update&page=3&lang=en"))
    assert "agency:0 " in third and "agency:20 " not in third
    assert admin_client.get("/admin/audit?page=99").status_code == 200
    assert admin_client.get("/admin/audit?page=-5").status_code == 200


def test_filter_by_action_and_actor(admin_client, db):
    fill(db, 3)
    fill(db, 2, action="apikey.revoke", actor="binh@example.gov.vn")
    by_action = text_of(admin_client.get("/admin/audit?action=apikey.revoke&lang=en"))
    assert "2 entries" in by_action and "lan@example.gov.vn" not in by_action
    by_actor = text_of(admin_client.get("/admin/audit?actor=LAN@&lang=en"))
    assert "3 entries" in by_actor and "binh@" not in by_actor
    wildcard = text_of(admin_client.get("/admin/audit?actor=%25&lang=en"))
    assert "0 entries" in wildcard  # "%" is a literal, not a LIKE wildcard


def test_admin_actions_land_in_the_log(admin_client, db):
    data = {"code": "S-1", "name_vi": "Dịch vụ", "category": "x", "committed_days": "1"}
    post_form(admin_client, "/admin/services/new", data)
    page = text_of(admin_client.get("/admin/audit?action=service.create&lang=en"))
    assert "admin@example.gov.vn" in page and "Created a service" in page and "Code: S-1" in page


def test_sign_ins_are_kept_apart_from_changes(admin_client, db):
    fill(db, 2)
    changes = table_of(admin_client.get("/admin/audit?lang=en"))
    assert "2 entries" in changes and "Signed in" not in changes
    account = table_of(admin_client.get("/admin/audit?events=account&lang=en"))
    assert "1 entries" in account and "Signed in" in account and "Changed an agency" not in account
    assert "3 entries" in text_of(admin_client.get("/admin/audit?events=all&lang=en"))


def test_filter_by_date_in_the_city(admin_client, db):
    fill(db, 1)
    old = db.session.scalar(select(AuditLog).where(AuditLog.action == "agency.update"))
    old.at = datetime(2026, 3, 1, 18, 30)  # 01:30 on 2 March in Ho Chi Minh City
    fill(db, 1, actor="binh@example.gov.vn")
    march = text_of(admin_client.get("/admin/audit?since=2026-03-02&until=2026-03-02&lang=en"))
    assert "1 entries" in march and "lan@" in march and "2026-03-02 01:30" in march
    assert "0 entries" in text_of(admin_client.get("/admin/audit?since=2026-03-03&until=2026-03-31&lang=en"))


def test_the_export_holds_the_filtered_entries_in_words(admin_client, db):
    fill(db, 2)
    fill(db, 1, action="apikey.revoke", actor="binh@example.gov.vn")
    response = admin_client.get("/admin/audit.csv?action=agency.update&lang=en", buffered=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["when", "actor", "action", "target", "changes"] and len(rows) == 3
    assert rows[1][2] == "Changed an agency" and rows[1][4] == "Name in Vietnamese: Cũ 1 → Mới 1"


@pytest.mark.parametrize(
    "query",
    ["since=2026-13-01", "until=yesterday", "since=1900-01-01", "since=2026-03-02&until=2026-03-01",
     "action=no.such", "events=secrets", f"actor={'x' * 121}"],
)  # fmt: skip
def test_a_bad_filter_is_refused_clearly(admin_client, db, query):
    fill(db, 1)
    assert admin_client.get(f"/admin/audit?{query}&lang=en").status_code == 400
    assert admin_client.get(f"/admin/audit.csv?{query}", buffered=True).status_code == 400
