"""Completed cases uploaded as CSV (intake rules, row by row) and the printable invitation sheet."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.intake import CASE_FIELDS
from survey.models import AuditLog, Case, Invitation, Response
from survey.questions import active_question_set
from survey.tokens import response_link_hash, token_for_salt
from tests.actions import text_of, upload_file
from tests.admin.helpers import audit_count
from tests.factories import case_json

SHEET_LINK_RE = re.compile(r'href="(/admin/cases/invitations/sheet\?batch=[^"]+)"')


def csv_text(rows: list[dict], fields=CASE_FIELDS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def upload(client, content: str | bytes):
    return upload_file(client, "/admin/cases/upload?lang=en", content)


def cases(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_good_rows_are_stored_and_bad_rows_reported(admin_client, db):
    rows = [
        case_json("HS-1", agency_code="Q1-BN"),
        case_json("HS-2", agency_code="Q1-DK", channel="counter"),
        case_json("HS-3", agency_code="NOPE"),
        case_json("HS-4", channel="fax"),
    ]
    response = upload(admin_client, csv_text(rows))
    assert response.status_code == 200
    page = text_of(response)
    assert "2 new cases stored" in page and "2 rows rejected" in page
    assert "unknown agency code" in page and "channel: must be one of online, counter, post" in page
    assert cases(db) == 2 and db.session.scalar(select(func.count()).select_from(Invitation)) == 2
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "cases.upload"))
    assert entry.after == {"accepted": 2, "existing": 0, "rejected": 2}


def test_uploading_the_same_file_twice_stores_each_case_once(admin_client, db):
    content = csv_text([case_json("HS-1"), case_json("HS-2")])
    upload(admin_client, content)
    page = text_of(upload(admin_client, content))
    assert "0 new cases stored" in page and "2 already registered" in page
    assert cases(db) == 2


def test_invitation_sheet_for_the_uploaded_cases(admin_client, db):
    response = upload(admin_client, csv_text([case_json("HS-1"), case_json("HS-2", agency_code="Q3-P1")]))
    link = SHEET_LINK_RE.search(response.get_data(as_text=True)).group(1).replace("&amp;", "&")
    sheet = admin_client.get(link + "&lang=en")
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    assert html.count('<svg role="img"') == 2 and 'aria-label="QR code for the survey of case HS-1"' in html
    assert "style=" not in html  # the strict CSP would block it
    page = text_of(sheet)
    assert "HS-1" in page and "HS-2" in page
    assert "http://localhost/s/" in page and "moi Ong/Ba" not in page  # no SMS text on a slip
    assert re.search(r"Check code [2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4} at localhost/verify", page)
    assert "UBND Thành phố Hồ Chí Minh asks how your case was handled" in page
    assert "Ward Q3-P1" in page and "Procedure HT-KHAISINH" in page


def test_a_tampered_batch_shows_no_cases(admin_client, db):
    upload(admin_client, csv_text([case_json("HS-1")]))
    page = text_of(admin_client.get("/admin/cases/invitations/sheet?batch=WzFd.forged&lang=en"))
    assert "There are no open invitations" in page and "HS-1" not in page


def test_sheet_by_agency_and_dates_skips_answered_and_expired(admin_client, db, city):
    day = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0) - timedelta(days=2)
    rows = [case_json(f"HS-{n}", completed=day) for n in range(1, 5)]
    rows.append(case_json("HS-OTHER", agency_code="Q1-DK", completed=day))
    rows.append(case_json("HS-OLD", completed=day - timedelta(days=5)))
    upload(admin_client, csv_text(rows))
    answered = db.session.scalar(select(Case).where(Case.case_ref == "HS-2"))
    db.session.add(
        Response(
            link_hash=response_link_hash(token_for_salt(answered.invitation.token_salt)),
            agency_id=answered.agency_id,
            service_id=answered.service_id,
            question_set_id=active_question_set().id,
            overall=5,
        )
    )
    expired = db.session.scalar(select(Case).where(Case.case_ref == "HS-3"))
    expired.invitation.expires_at = datetime(2020, 1, 1)
    db.session.commit()
    query = {"agency_id": city.agencies["Q1-BN"].id, "completed_from": f"{day:%Y-%m-%d}", "lang": "en"}
    query["completed_to"] = query["completed_from"]
    page = text_of(admin_client.get("/admin/cases/invitations/sheet", query_string=query))
    assert "HS-1" in page and "HS-4" in page
    for absent in ("HS-2", "HS-3", "HS-OTHER", "HS-OLD"):
        assert absent not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Choose an agency"),
        ({"agency_id": "99999"}, "Choose one of the listed options"),
        ({"agency_id": "x"}, "Choose one of the listed options"),
        ({"agency_id": "1", "completed_from": "31/12/2026"}, "Enter a date like 2026-10-31"),
        ({"agency_id": "1", "completed_from": "2026-10-02", "completed_to": "2026-10-01"}, "end date is before"),
    ],
)
def test_bad_sheet_filters_are_explained(admin_client, query, message):
    response = admin_client.get("/admin/cases/invitations/sheet", query_string=query | {"lang": "en"})
    assert response.status_code == 422 and message in text_of(response)


BAD_FILES = [
    (b"", "The file is empty"),
    (",".join(CASE_FIELDS).encode() + b"\n", "header but no rows"),
    (csv_text([case_json("HS-1", agency_code="Q1-BN")]).replace("Q1-BN", "Q1-BÉ").encode("latin-1"), "not UTF-8"),
    (csv_text([case_json("HS-1")], (*CASE_FIELDS, "citizen_phone")), "unknown columns: citizen_phone"),
    (csv_text([{k: v for k, v in case_json("HS-1").items() if k != "channel"}], CASE_FIELDS[:-1]), "missing columns"),
    (b"\x00\x01binary", "not a text CSV file"),
    (b"agency_code,service_code\n" + b"x" * (1024 * 1024), "larger than 1024 KB"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_are_explained_and_store_nothing(admin_client, db, content, message):
    response = upload(admin_client, content)
    assert response.status_code == 422
    assert message in text_of(response)
    assert cases(db) == 0 and audit_count() == 0


def test_hostile_values_are_rejected_per_row(admin_client, db):
    rows = [case_json("<script>alert(1)</script>"), case_json("=HYPERLINK(1)"), case_json("HS-OK")]
    page = text_of(upload(admin_client, csv_text(rows)))
    assert "1 new cases stored" in page and "2 rows rejected" in page
    assert [c.case_ref for c in db.session.scalars(select(Case))] == ["HS-OK"]


def test_rejection_reasons_are_shown_in_the_readers_language(admin_client, db):
    rows = [
        case_json("HS-1", agency_code="NOPE"),
        case_json("HS-2", channel="fax"),
        case_json("HS-3", received_at="2026-13-40"),
    ]
    page = text_of(upload_file(admin_client, "/admin/cases/upload?lang=vi", csv_text(rows)))
    assert "không có cơ quan mang mã này" in page
    assert "channel: phải là một trong các giá trị online, counter, post" in page
    assert "received_at: không phải ngày giờ ISO 8601 hợp lệ" in page
    assert "unknown agency code" not in page and cases(db) == 0


def test_a_reason_without_a_translation_is_shown_as_it_is(app):
    from survey.admin.reasons import translate_reason

    with app.test_request_context("/?lang=vi"):
        assert translate_reason("agency_code: a rule added later") == "agency_code: a rule added later"
        assert translate_reason("is required; x: is in the future") == "là bắt buộc; x: ở thời điểm tương lai"
