"""Data-subject requests: raised with the code from the SMS, confirmed by SMS, acknowledged and completed by staff."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from survey.delivery.queue import deliver_sms
from survey.extensions import db
from survey.models import AuditLog, Case, Contact, DataRequest, Response
from survey.privacy.requests import add_working_days, timers
from survey.questions import active_question_set
from survey.responses import find_link
from survey.submissions import record_response
from tests import factories
from tests.actions import csrf_from, post_form, signed_in, text_of
from tests.delivery.conftest import city_time


def _post(client, path: str, data: dict):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_an_erasure_request_is_raised_confirmed_acknowledged_and_completed_with_timers(
    delivering, client, gateway, app
):
    token = factories.issue_link("HS-D1", phone="0912345678")
    deliver_sms(now=city_time(0, 10))
    invitation = find_link(token).invitation
    assert record_response(invitation, active_question_set(), {"overall": 4}, "Nhân viên tận tình", "vi")

    # Raised with the code from the SMS: the link itself, as the citizen received it.
    sms_link = factories.link_in(next(iter(gateway.delivered.values()))["text"])
    answer = _post(client, "/privacy/request", {"code": sms_link, "kind": "erasure"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/privacy/request/confirm")
    deliver_sms(now=datetime.now())  # a code the citizen asked for goes at once, even in quiet hours
    code_sms = [m for m in gateway.delivered.values() if m["kind"] == "code"]
    assert len(code_sms) == 1
    code = code_sms[0]["text"].split(": ")[1][:6]
    wrong = _post(client, "/privacy/request/confirm", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422
    confirmed = _post(client, "/privacy/request/confirm", {"code": code})
    assert confirmed.status_code == 200 and "Đã nhận yêu cầu" in text_of(confirmed)

    data_request = db.session.scalar(select(DataRequest))
    assert data_request.status == "new" and data_request.received_at is not None
    due = timers(data_request)
    assert due.complete_by - data_request.received_at == timedelta(days=15)
    assert due.acknowledge_by == add_working_days(data_request.received_at, 2)

    factories.user("admin@example.gov.vn", "admin")
    staff = signed_in(app.test_client(), "admin@example.gov.vn")
    queue = text_of(staff.get("/admin/privacy?lang=en"))
    assert f"#{data_request.id}" in queue and "Acknowledge by" in queue and "Complete by" in queue
    assert "Nhân viên" not in queue and "0912345678" not in queue  # the queue shows no personal data

    step = f"/admin/privacy/requests/{data_request.id}"
    assert post_form(staff, step + "/complete").status_code == 303  # not yet acknowledged: nothing happens
    db.session.refresh(data_request)
    assert data_request.status == "new"
    assert post_form(staff, step + "/acknowledge").status_code == 303
    assert post_form(staff, step + "/complete", {"note": "erased"}).status_code == 303
    db.session.refresh(data_request)
    assert data_request.status == "completed" and data_request.acknowledged_at and data_request.completed_at
    assert not timers(data_request).acknowledge_late and not timers(data_request).complete_late

    # Personal data is gone; the anonymous answer stays for the published figures.
    assert db.session.scalar(select(Contact.id)) is None
    response = db.session.scalar(select(Response))
    assert response.comment is None and response.overall == 4
    assert db.session.scalar(select(Case.case_ref)).startswith("~")
    assert find_link(token).invitation is None
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"data_request_received", "data_request_acknowledged", "data_request_completed"} <= actions


def test_an_access_request_without_a_held_number_shows_what_is_held(app, client):
    factories.small_city()
    token = factories.issue_link("HS-D2")
    page = _post(client, "/privacy/request", {"code": token, "kind": "access"})
    assert page.status_code == 200
    text = text_of(page)
    assert "HS-D2" in text and "không lưu" in text
    assert db.session.scalar(select(DataRequest.status)) == "completed"


def test_an_overdue_request_shows_late_timers(app):
    factories.small_city()
    factories.issue_link("HS-D3")
    invitation = find_link(factories.issue_link("HS-D3")).invitation
    item = DataRequest(
        invitation_id=invitation.id,
        agency_id=invitation.case.agency_id,
        kind="erasure",
        status="new",
        received_at=datetime(2026, 1, 2, 3, 0),  # a Friday
    )
    db.session.add(item)
    db.session.commit()
    due = timers(item, now=datetime(2026, 1, 7, 3, 0))
    assert due.acknowledge_by == datetime(2026, 1, 6, 3, 0)  # two working days: Monday, Tuesday
    assert due.acknowledge_late and not due.complete_late


def test_bad_request_input_changes_nothing(app, client):
    factories.small_city()
    for data in ({"code": "not-a-code", "kind": "erasure"}, {"code": "", "kind": "access"}, {"code": "x", "kind": "y"}):
        assert _post(client, "/privacy/request", data).status_code == 422
    assert client.post("/privacy/request", data={"code": "x", "kind": "access"}).status_code == 400  # no CSRF
    assert client.get("/privacy/request/confirm").status_code == 303  # nothing to confirm
    assert db.session.scalar(select(DataRequest.id)) is None


def test_staff_steps_need_an_admin_and_a_real_request(app, client):
    factories.small_city()
    factories.user("manager@example.gov.vn", "manager", "Q1")
    manager = signed_in(app.test_client(), "manager@example.gov.vn")
    assert manager.get("/admin/privacy").status_code in (403, 404)
    factories.user("admin@example.gov.vn", "admin")
    staff = signed_in(app.test_client(), "admin@example.gov.vn")
    assert post_form(staff, "/admin/privacy/requests/999/acknowledge").status_code == 303  # nothing to change
    assert post_form(staff, "/admin/privacy/requests/999/delete").status_code == 404
    assert staff.get("/admin/privacy/register").status_code == 200


def test_the_privacy_notice_is_versioned_in_both_languages_and_each_response_records_it(app, client):
    factories.small_city()
    vi = text_of(client.get("/privacy?lang=vi"))
    en = text_of(client.get("/privacy?lang=en"))
    assert "2026-01" in vi and "2026-01" in en and vi != en
    factories.comment("Q1-BN", "ok", overall=5)
    assert db.session.scalar(select(Response.notice_version)) == "2026-01"


def test_the_short_code_from_the_slip_raises_a_request(app, client):
    from survey.tokens import display_code, short_code_for_salt

    factories.small_city()
    invitation = find_link(factories.issue_link("HS-D4")).invitation
    code = display_code(short_code_for_salt(invitation.token_salt)).lower()  # typed as read, in any case
    page = _post(client, "/privacy/request", {"code": code, "kind": "access"})
    assert page.status_code == 200 and "HS-D4" in text_of(page)


def test_working_days_skip_weekends_and_public_holidays(app):
    from datetime import date

    from survey.privacy.requests import FIXED_HOLIDAYS, is_working_day

    assert (9, 2) in FIXED_HOLIDAYS and not is_working_day(date(2027, 9, 2))  # National Day, a Thursday
    # Received on Wednesday 2027-04-28 (city noon): Thursday 29 counts; Friday 30 April and
    # Saturday 1 May are holidays, then a Sunday, so two working days end on Monday 3 May.
    received = datetime(2027, 4, 28, 5, 0)
    assert add_working_days(received, 2, frozenset()) == datetime(2027, 5, 3, 5, 0)
    # An announced holiday (e.g. a bridging day) moves the deadline one more day.
    assert add_working_days(received, 2, frozenset({date(2027, 5, 3)})) == datetime(2027, 5, 4, 5, 0)


def test_a_malformed_holiday_setting_stops_the_app_at_start(monkeypatch):
    import pytest

    from survey import create_app

    monkeypatch.setenv("SURVEY_PUBLIC_HOLIDAYS", "2027-02-05,Tết")
    with pytest.raises(RuntimeError, match="SURVEY_PUBLIC_HOLIDAYS"):
        create_app("testing")
