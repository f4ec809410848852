"""Bulk CSV import: preview stores nothing, confirm stores the good rows, bad files and rows are explained."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.models import Agency, AuditLog, OutboxMessage, Service, User
from tests.actions import post_form, text_of, upload_file
from tests.admin.helpers import audit_count

PAYLOAD_RE = re.compile(r'<input[^>]*name="payload"[^>]*value="([^"]+)"')

AGENCIES = (
    "code,name_vi,name_en,kind,parent_code,peer_group\n"
    "Q5,Quận 5,District 5,district,,district\n"
    "Q5-P1,Phường 1,Ward 1,ward,Q5,ward\n"
    "Q1-NEW,Phường Mới,New Ward,ward,Q1,ward\n"
)


def payload_of(response) -> str:
    match = PAYLOAD_RE.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:2000]
    return match.group(1)


def confirm(client, kind: str, payload: str):
    return post_form(client, f"/admin/import/{kind}/confirm?lang=en", {"payload": payload})


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_preview_stores_nothing_and_confirm_stores_the_rows(admin_client, db):
    before = count(db, Agency)
    preview = upload(admin_client, "agencies", AGENCIES)
    assert preview.status_code == 200
    assert "3 rows can be stored; 0 rows are rejected. Nothing has been stored yet." in text_of(preview)
    assert count(db, Agency) == before and audit_count() == 0
    report = confirm(admin_client, "agencies", payload_of(preview))
    assert report.status_code == 200 and "3 rows were stored" in text_of(report)
    ward = db.session.scalar(select(Agency).where(Agency.code == "Q5-P1"))
    assert ward.parent.code == "Q5" and ward.kind == "ward" and ward.active
    actions = list(db.session.scalars(select(AuditLog.action)))
    assert actions.count("agency.create") == 3 and actions.count("import.agencies") == 1


def test_cancelling_after_the_preview_stores_nothing(admin_client, db):
    before = count(db, Agency)
    preview = upload(admin_client, "agencies", AGENCIES)
    assert "Cancel: store nothing" in text_of(preview)
    assert admin_client.get("/admin/import/agencies").status_code == 200  # the cancel link
    assert count(db, Agency) == before and audit_count() == 0


def test_a_parent_may_come_later_in_the_file(admin_client, db):
    content = "code,name_vi,kind,peer_group,parent_code\nQ9-P1,Phường 1,ward,ward,Q9\nQ9,Quận 9,district,district,\n"
    confirm(admin_client, "agencies", payload_of(upload(admin_client, "agencies", content)))
    assert db.session.scalar(select(Agency).where(Agency.code == "Q9-P1")).parent.code == "Q9"


BAD_ROWS = [
    ("Q1,Quận Một,district,,district", "an agency with this code already exists"),
    ("q1,Quận Một,district,,district", "an agency with this code already exists"),
    ("X1,Phường,ward,NOPE,ward", "unknown parent code NOPE"),
    ("X1,Phường,ward,X1,ward", "parent X1 is rejected or forms a loop"),
    ("X1,<script>alert(1)</script>,ward,,ward", "Must not contain < or >"),
    ("X1,=1+1,ward,,ward", "spreadsheet formulas"),
    ("X1,Phường,palace,,ward", "must be one of department, district, ward, city, other"),
    ("X 1,Phường,ward,,ward", "letters, digits"),
    ("X1,,ward,,ward", "This field is required"),
    ("X1,Phường,ward,,ward,extra", "more values than columns"),
    ("X1,Phường,ward", "fewer values than columns"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_bad_rows_are_rejected_with_a_reason(admin_client, db, row, reason):
    content = "code,name_vi,kind,parent_code,peer_group\nGOOD1,Phường Tốt,ward,Q1,ward\n" + row + "\n"
    preview = upload(admin_client, "agencies", content)
    page = text_of(preview)
    assert "1 rows can be stored; 1 rows are rejected" in page and reason in page
    report = confirm(admin_client, "agencies", payload_of(preview))
    assert "1 rows were stored; 1 rows were rejected" in text_of(report)
    codes = set(db.session.scalars(select(Agency.code)))
    assert "GOOD1" in codes and "X1" not in codes


def test_duplicate_codes_in_one_file_keep_the_first(admin_client, db):
    content = "code,name_vi,kind,peer_group\nDUP,Một,ward,ward\ndup,Hai,ward,ward\n"
    preview = upload(admin_client, "agencies", content)
    assert "code: repeats line 2 of this file" in text_of(preview)
    confirm(admin_client, "agencies", payload_of(preview))
    assert db.session.scalar(select(Agency.name_vi).where(Agency.code == "DUP")) == "Một"
    assert db.session.scalar(select(Agency.id).where(Agency.code == "dup")) is None


def test_rows_taken_meanwhile_are_rejected_at_confirm(admin_client, db):
    preview = upload(admin_client, "services", "code,name_vi,category,committed_days\nNEW-1,Thủ tục,land,5\n")
    db.session.add(Service(code="NEW-1", name_vi="Khác", name_en="", category="land", committed_days=1))
    db.session.commit()
    report = confirm(admin_client, "services", payload_of(preview))
    assert "0 rows were stored; 1 rows were rejected" in text_of(report)
    assert db.session.scalar(select(Service.name_vi).where(Service.code == "NEW-1")) == "Khác"


def test_services_import(admin_client, db):
    content = (
        "code,name_vi,name_en,category,committed_days\nCT-1,Cư trú,Residence,residence,7\nCT-2,Sai,Bad,residence,-3\n"
    )
    report = confirm(admin_client, "services", payload_of(upload(admin_client, "services", content)))
    assert "1 rows were stored; 1 rows were rejected" in text_of(report)
    assert db.session.scalar(select(Service.committed_days).where(Service.code == "CT-1")) == 7


def test_users_import_mails_each_new_user(admin_client, db):
    content = (
        "email,name,role,agency_code\n"
        "a@q1.example.gov.vn,An,manager,Q1\n"
        "b@example.gov.vn,Bình,admin,\n"
        "c@example.gov.vn,Chi,viewer,\n"
        "d@example.gov.vn,Dũng,viewer,NOPE\n"
        "A@Q1.example.gov.vn,Again,viewer,Q1\n"
    )
    preview = upload(admin_client, "users", content)
    page = text_of(preview)
    assert "managers and viewers need an agency" in page and "unknown or inactive agency code NOPE" in page
    assert "repeats line 2" in page
    confirm(admin_client, "users", payload_of(preview))
    emails = set(db.session.scalars(select(User.email)))
    assert {"a@q1.example.gov.vn", "b@example.gov.vn"} <= emails and "c@example.gov.vn" not in emails
    assert set(db.session.scalars(select(OutboxMessage.to))) == {"a@q1.example.gov.vn", "b@example.gov.vn"}


BAD_FILES = [
    (b"", "The file is empty"),
    (b"code,name_vi,kind,peer_group\n", "header but no rows"),
    # Windows' Vietnamese code page, as older spreadsheets save CSV
    ("code,name_vi,kind,peer_group\nX1,Đà La\u0323t,ward,ward\n".encode("cp1258"), "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text CSV file"),
    (b'code,name_vi,kind,peer_group\nX1,"unclosed,ward,ward\n', "not valid CSV"),
    (b'code,name_vi,kind,peer_group\nX1,"a"b,ward,ward\n', "not valid CSV"),
    (b"code,name_vi,kind,peer_group,owner\nX1,A,ward,ward,me\n", "unknown columns: owner"),
    (b"code,name,kind\nX1,A,ward\n", "missing columns: name_vi, peer_group"),
    (b"code,code,name_vi,kind,peer_group\nX1,X1,A,ward,ward\n", "repeated columns: code"),
    (b"code;name_vi;kind;peer_group\nX1;A;ward;ward\n", "Expected comma-separated columns"),
    (b"code,name_vi,kind,peer_group\n" + b"X1,A,ward,ward\n" * 80_000, "larger than 1024 KB"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_are_explained_and_store_nothing(admin_client, db, content, message):
    before = count(db, Agency)
    response = upload(admin_client, "agencies", content)
    assert response.status_code == 422
    assert message in text_of(response)
    assert count(db, Agency) == before and audit_count() == 0


def test_no_file_chosen(admin_client, db):
    response = post_form(admin_client, "/admin/import/agencies?lang=en", {})
    assert response.status_code == 422 and "Choose a CSV file" in text_of(response)


def test_a_request_over_the_size_cap_is_refused(admin_client, db):
    before = count(db, Agency)
    response = upload(admin_client, "agencies", b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert count(db, Agency) == before


@pytest.mark.parametrize(
    ("payload", "message"),
    [("", ""), ("tampered", "could not be verified"), ("eyJhIjoxfQ.Zm9v.YmFy", "could not be verified")],
)
def test_a_forged_confirm_stores_nothing(admin_client, db, payload, message):
    before = count(db, Agency)
    response = confirm(admin_client, "agencies", payload)
    assert response.status_code == 422 and message in text_of(response)
    assert count(db, Agency) == before and audit_count() == 0


def test_a_preview_cannot_be_confirmed_as_another_kind(admin_client, db):
    preview = upload(admin_client, "agencies", AGENCIES)
    response = confirm(admin_client, "users", payload_of(preview))
    assert response.status_code == 422 and "could not be verified" in text_of(response)
    assert audit_count() == 0


def upload(client, kind: str, content: str | bytes):
    return upload_file(client, f"/admin/import/{kind}?lang=en", content)
