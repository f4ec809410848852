"""Services: audited create and edit with a fixed code; bad input refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.models import AuditLog, Service
from tests.actions import post_form, text_of
from tests.admin.helpers import audit_count


def form_data(**overrides) -> dict:
    data = {
        "code": "CT-DKTT",
        "name_vi": "Đăng ký thường trú",
        "name_en": "Permanent residence registration",
        "category": "residence",
        "committed_days": "7",
        "active": "y",
    }
    data.update(overrides)
    return data


def test_list_shows_services_with_committed_days(admin_client):
    page = text_of(admin_client.get("/admin/services?lang=en"))
    assert "DD-GCN" in page and "Procedure DD-GCN" in page and " 30 " in page


def test_create_service_is_audited(admin_client, db):
    assert post_form(admin_client, "/admin/services/new", form_data()).status_code == 303
    service = db.session.scalar(select(Service).where(Service.code == "CT-DKTT"))
    assert service.committed_days == 7 and service.category == "residence"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "service.create"))
    assert entry.after["committed_days"] == 7 and entry.after["name_vi"] == "Đăng ký thường trú"


def test_edit_changes_days_but_not_code(admin_client, db):
    service = db.session.scalar(select(Service).where(Service.code == "DD-GCN"))
    data = form_data(code="OTHER", name_vi=service.name_vi, name_en=service.name_en, category="land", active="")
    assert post_form(admin_client, f"/admin/services/{service.id}/edit", data).status_code == 303
    db.session.refresh(service)
    assert service.code == "DD-GCN" and service.committed_days == 7 and service.active is False
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "service.update"))
    assert entry.before == {"committed_days": 30, "active": True}
    assert entry.after == {"committed_days": 7, "active": False}


def test_edit_form_shows_current_values(admin_client, db):
    service = db.session.scalar(select(Service).where(Service.code == "DD-GCN"))
    html = admin_client.get(f"/admin/services/{service.id}/edit").get_data(as_text=True)
    assert 'value="30"' in html and 'value="Thủ tục DD-GCN"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "DD-GCN", "already exists"),
        ("code", "dd-gcn", "already exists"),
        ("code", "-lead", "letters, digits"),
        ("committed_days", "-1", "whole number of days"),
        ("committed_days", "abc", "whole number of days"),
        ("committed_days", "99999", "whole number of days"),
        ("committed_days", "", "whole number of days"),
        ("category", "", "required"),
        ("name_vi", "@SUM(A1)", "spreadsheet formulas"),
        ("name_en", "tab\there", "control or invisible"),
    ],
)
def test_bad_input_is_explained_and_stores_nothing(admin_client, db, field, value, message):
    before = db.session.scalar(select(func.count()).select_from(Service))
    response = post_form(admin_client, "/admin/services/new?lang=en", form_data(**{field: value}))
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Service)) == before
    assert audit_count() == 0
