"""Issue 14 item 4: a case upload says exactly what it stored, and is audited even when it fails."""

from __future__ import annotations

from sqlalchemy import func, select

import survey.case_import
from survey.models import AuditLog, Case
from tests.actions import text_of
from tests.admin.test_cases import csv_text, upload
from tests.factories import case_json


def rows(count: int) -> list[dict]:
    return [case_json(f"HS-{number}", agency_code="Q1-BN") for number in range(count)]


def test_case_upload_duplicate_in_a_later_chunk_reports_exactly_what_was_stored(admin_client, db):
    content = csv_text([*rows(600), case_json("HS-550", agency_code="Q1-BN")])
    response = upload(admin_client, content)
    assert response.status_code == 200
    page = text_of(response)
    assert "600 new cases stored" in page and "1 rows rejected" in page and "duplicates line 552" in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 600
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "cases.upload"))
    assert entry.after == {"accepted": 600, "existing": 0, "rejected": 1}


def test_case_upload_interrupted_midway_is_audited_with_what_was_stored(admin_client, db, monkeypatch):
    real = survey.case_import.register_cases
    calls = []

    def fail_second_chunk(items, api_key=None, source=None):
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(items, api_key, source)

    monkeypatch.setattr(survey.case_import, "register_cases", fail_second_chunk)
    assert upload(admin_client, csv_text(rows(600))).status_code == 500
    stored = db.session.scalar(select(func.count()).select_from(Case))
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "cases.upload"))
    assert stored == 500
    assert entry.after == {"accepted": 500, "existing": 0, "rejected": 0, "interrupted": True}
