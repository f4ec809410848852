"""The audit log viewer: newest first, paginated, filtered by action and actor, before/after shown."""

from __future__ import annotations

from survey.audit import record
from tests.actions import post_form, text_of


def fill(db, count: int, action: str = "agency.update", actor: str = "lan@example.gov.vn") -> None:
    for n in range(count):
        record(actor, action, f"agency:{n}", {"name_vi": f"Cũ {n}"}, {"name_vi": f"Mới {n}"})
    db.session.commit()


def test_entries_show_before_and_after(admin_client, db):
    fill(db, 1)
    page = text_of(admin_client.get("/admin/audit?lang=en"))
    assert "lan@example.gov.vn" in page and "agency.update" in page
    assert '"name_vi": "Cũ 0"' in page and '"name_vi": "Mới 0"' in page


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
    assert "admin@example.gov.vn" in page and '"code": "S-1"' in page
