"""The comment inbox: filters, search, pagination and the CSV export of exactly what is shown."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.manage.inbox import InboxFilter, escape_like, inbox_query
from survey.models import AuditLog, Service
from tests import factories
from tests.actions import post_form, sign_in

SEPT = datetime(2026, 9, 10, 3, tzinfo=UTC)
OCT = datetime(2026, 10, 10, 3, tzinfo=UTC)


@pytest.fixture
def comments(db, staff):
    """Comments across Quận 1's wards, the district itself and Quận 3."""
    return {
        "queue": factories.comment("Q1-BN", "Chờ quá lâu ở bộ phận một cửa", overall=1, submitted=SEPT),
        "fees": factories.comment("Q1-DK", "Phí 100% không rõ ràng", overall=2, submitted=OCT, service_code="DD-GCN"),
        "thanks": factories.comment("Q1-DK", "Cảm ơn cán bộ tận tình", overall=5, submitted=OCT),
        "district": factories.comment("Q1", "Hồ sơ bị trả lại hai lần", overall=None, submitted=OCT),
        "underscore": factories.comment("Q1-TD", "mã hồ_sơ sai", overall=3, submitted=OCT),
        "elsewhere": factories.comment("Q3-P1", "Chờ quá lâu", overall=1, submitted=OCT),
    }


def shown(client, query: str = "") -> str:
    page = client.get(f"/manage/inbox{query}")
    assert page.status_code == 200, page.status_code
    return page.get_data(as_text=True)


def rows_of(html: str) -> int:
    return len(re.findall(r'href="/manage/inbox/\d+', html))


def export(client, query: str = "") -> list[dict]:
    result = client.get(f"/manage/inbox/export.csv{query}", buffered=True)
    assert result.status_code == 200 and result.mimetype == "text/csv"
    assert result.headers["Content-Disposition"].startswith('attachment; filename="comments-')
    text = result.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_manager_sees_the_whole_subtree_and_nothing_else(client, staff, comments):
    sign_in(client, staff.manager.email)
    html = shown(client)
    assert rows_of(html) == 5 and "Hồ sơ bị trả lại" in html and "Q3-P1" not in html


def test_ward_manager_sees_the_ward_only(client, staff, comments):
    sign_in(client, staff.ward.email)
    assert rows_of(shown(client)) == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?period=2026-09", {"queue"}),
        ("?period=2026-Q4", {"fees", "thanks", "district", "underscore"}),
        ("?agency={Q1-DK}", {"fees", "thanks"}),
        ("?agency={Q1}", {"queue", "fees", "thanks", "district", "underscore"}),
        ("?service={DD-GCN}", {"fees"}),
        ("?rating=1", {"queue"}),
        ("?rating=none", {"district"}),
        ("?status=new", {"queue", "fees", "thanks", "district", "underscore"}),
        ("?status=dismissed", set()),
        ("?q=QUÁ LÂU", {"queue"}),
        ("?q=100%", {"fees"}),
        ("?q=%", {"fees"}),  # a literal percent sign, not "anything"
        ("?q=_", {"underscore"}),  # a literal underscore, not "any character"
        ("?period=2026-10&agency={Q1-DK}&rating=5", {"thanks"}),
    ],
)
def test_filters_page_and_export_agree(client, db, staff, comments, query, expected):
    ids = {code: agency_id for code, agency_id in db.session.execute(select(Service.code, Service.id))}
    from survey.models import Agency

    ids.update(dict(db.session.execute(select(Agency.code, Agency.id)).all()))
    query = query.format(**ids).replace("%", "%25") if "q=" in query else query.format(**ids)
    sign_in(client, staff.manager.email)
    html = shown(client, query)
    wanted = {comments[name].comment for name in expected}
    assert rows_of(html) == len(expected)
    rows = export(client, query)
    assert {row["comment"] for row in rows} == wanted


def test_search_is_case_insensitive_for_ascii_and_matches_tags(client, db, staff, comments):
    sign_in(client, staff.manager.email)
    post_form(client, f"/manage/inbox/{comments['thanks'].id}", {"status": "acknowledged", "tags": "Khen ngợi"})
    assert rows_of(shown(client, "?q=khen")) == 1


def test_export_has_no_personal_data_and_neutralises_formulas(client, db, staff):
    factories.comment("Q1-BN", '=HYPERLINK("http://x") gọi 0903 123 456 hoặc a.b@example.com', overall=2)
    sign_in(client, staff.manager.email)
    [row] = export(client)
    assert list(row) == ["submitted", "agency_code", "service_code", "overall", "status", "tags", "comment", "reply"]
    assert row["comment"].startswith("'=HYPERLINK")
    assert "0903" not in row["comment"] and "example.com" not in row["comment"]
    assert row["agency_code"] == "Q1-BN" and row["status"] == "new" and row["overall"] == "2"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["submitted"])  # a date, not a time


def test_export_is_streamed_and_audited(app, db, staff, comments):
    # A plain client: the suite's IsolatedClient ends the request context before a
    # streamed body could be read outside it.
    client = FlaskClient(app, app.response_class, use_cookies=True)
    sign_in(client, staff.manager.email)
    result = client.get("/manage/inbox/export.csv?rating=1", buffered=False)
    assert result.is_streamed
    assert result.get_data(as_text=True).count("\r\n") == 2  # header + the one matching comment
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "feedback.export"))
    assert entry.actor == staff.manager.email and entry.after == {"rating": "1"}


def test_pagination_keeps_the_filters(client, db, staff):
    for i in range(30):
        factories.comment("Q1-BN", f"Góp ý số {i}", overall=2, case_ref=f"P-{i}")
    factories.comment("Q1-BN", "Rất tốt", overall=5, case_ref="P-good")
    sign_in(client, staff.manager.email)
    first = shown(client, "?rating=2")
    assert rows_of(first) == 25 and "rating=2" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    second = shown(client, "?rating=2&page=2")
    assert rows_of(second) == 5
    assert rows_of(shown(client, "?rating=2&page=99")) == 0


@pytest.mark.parametrize("query", ["?period=2026-13", "?period=soon", "?rating=7", "?status=lost", "?service=x"])
def test_malformed_filters_are_400(client, staff, comments, query):
    sign_in(client, staff.manager.email)
    assert client.get(f"/manage/inbox{query}").status_code == 400
    assert client.get(f"/manage/inbox/export.csv{query}").status_code == 400


def test_escape_like():
    assert escape_like("50%_off\\") == "50\\%\\_off\\\\"


def test_inbox_query_is_a_plain_function(db, staff, comments):
    rows = db.session.execute(inbox_query({comments["queue"].agency_id}, InboxFilter())).all()
    assert [r[0].id for r in rows] == [comments["queue"].id]


def test_needs_a_reply_lists_new_and_acknowledged_comments(client, db, staff, comments):
    from survey.manage.triage import Triage, apply_triage

    apply_triage(comments["thanks"], Triage("responded", reply="Cảm ơn anh/chị"), staff.manager)
    apply_triage(comments["fees"], Triage("acknowledged"), staff.manager)
    db.session.commit()
    sign_in(client, staff.manager.email)
    waiting = shown(client, "?status=needs_reply&lang=en")
    assert rows_of(waiting) == 4 and "Cảm ơn cán bộ" not in waiting and "Phí 100%" in waiting
    dashboard = client.get(f"/manage/?agency={comments['queue'].agency_id}&lang=en").get_data(as_text=True)
    assert "1 new comment" in dashboard and "1 comment needs a reply" in dashboard
    assert "status=needs_reply" in dashboard


def test_rows_name_the_service_and_a_ward_manager_sees_no_agency_column(client, staff, comments):
    sign_in(client, staff.manager.email)
    district = shown(client, "?lang=en")
    assert "Procedure HT-KHAISINH" in district and "<td>HT-KHAISINH</td>" not in district
    assert "<td>Q1-BN</td>" in district
    client.post("/auth/sign-out", data={"csrf_token": ""})
    other = FlaskClient(client.application)
    sign_in(other, staff.ward.email)
    ward = shown(other, "?lang=en")
    assert rows_of(ward) == 1 and "<td>Q1-BN</td>" not in ward and ">Agency<" not in ward


@pytest.mark.parametrize("status", ["needs-reply", "open", "NEW"])
def test_an_unknown_inbox_view_is_a_400(client, staff, comments, status):
    sign_in(client, staff.manager.email)
    assert client.get(f"/manage/inbox?status={status}").status_code == 400
