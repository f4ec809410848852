"""The service delivers invitations itself: intake with a phone number, then `outbox deliver` to a real gateway."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from survey.delivery.queue import MAX_ATTEMPTS, deliver_sms
from survey.extensions import db
from survey.models import Contact, SmsMessage
from tests import factories
from tests.actions import text_of
from tests.delivery.conftest import INBOUND_SECRET, city_time
from tests.delivery.gateway import closed_port_url
from tests.factories import case_json

PHONE_TYPED, PHONE = "0912 345 678", "+84912345678"


def post_case(client, key: str, **fields):
    return client.post("/api/v1/cases", json=case_json(**fields), headers={"Authorization": f"Bearer {key}"})


def test_a_case_with_a_phone_is_delivered_once_by_sms_and_its_number_is_never_readable(
    delivering, client, runner, gateway, database_url
):
    key = factories.api_key()
    first = post_case(client, key, phone=PHONE_TYPED)
    assert first.status_code == 201
    body = first.get_json()
    assert body["delivery"] == "queued"
    assert body["survey_url"] is None and body["sms_text"] is None and body["qr_png_url"] is None
    again = post_case(client, key, phone=PHONE_TYPED).get_json()
    assert again["survey_url"] is None and again["delivery"] == "queued" and again["created"] is False
    qr = client.get("/api/v1/cases/Q1-BN/HS-0001/qr.png", headers={"Authorization": f"Bearer {key}"})
    assert qr.status_code == 409

    delivering.config["SMS_GATEWAY_URL"] = gateway.url
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0 and "SMS: sent" in result.output, result.output
    # The CLI runs on the real clock; quiet hours may hold it. Deliver at 10:00 city time to be sure.
    deliver_sms(now=city_time(0, 10))
    assert len(gateway.delivered) == 1
    [sms] = gateway.delivered.values()
    assert sms["to"] == PHONE and sms["kind"] == "invitation" and sms["brand"]
    assert sms["text"].startswith("[KHAOSAT-HCMC] ") and "HS-0001" in sms["text"]
    token = factories.token_from_url(factories.link_in(sms["text"]))
    form = client.get(f"/s/{token}")
    assert form.status_code == 200
    # The case system never had this link, so the form may promise it cannot see who answered.
    assert "nhưng không biết ai đã trả lời" in text_of(form)

    deliver_sms(now=city_time(0, 11))
    assert len(gateway.requests) == 1  # sent once, never again

    if database_url.startswith("sqlite:///"):
        files = Path(database_url.removeprefix("sqlite:///")).parent.glob("test.sqlite3*")
        raw = b"".join(path.read_bytes() for path in files)
        for form in (b"912345678", "912345678".encode("utf-16-le")):
            assert form not in raw
    stored = db.session.scalar(select(Contact.phone_cipher))
    assert "912345678" not in stored


def test_one_reminder_after_the_delay_and_quiet_hours_hold_it(delivering, gateway):
    factories.issue_link("HS-R1", phone=PHONE_TYPED)
    deliver_sms(now=city_time(0, 9))
    assert [m["kind"] for m in gateway.delivered.values()] == ["invitation"]
    days = delivering.config["REMINDER_DAYS"]
    deliver_sms(now=city_time(days - 1, 12))
    assert len(gateway.delivered) == 1  # too early
    held = deliver_sms(now=city_time(days, 22, 30))
    assert held.held == 1 and len(gateway.delivered) == 1  # due, but 22:30 is quiet
    deliver_sms(now=city_time(days + 1, 6, 59))
    assert len(gateway.delivered) == 1
    sent = deliver_sms(now=city_time(days + 1, 7, 0))
    assert sent.sent == 1
    kinds = [m["kind"] for m in gateway.delivered.values()]
    assert kinds == ["invitation", "reminder"]
    assert "Nhac lai" in list(gateway.delivered.values())[1]["text"]
    for later in (1, 2, 5):
        deliver_sms(now=city_time(days + later, 10))
    assert len(gateway.requests) == 2  # exactly one reminder, ever


def test_an_answered_survey_gets_no_reminder(delivering, gateway):
    from survey.questions import active_question_set
    from survey.responses import find_link
    from survey.submissions import record_response

    token = factories.issue_link("HS-A1", phone=PHONE_TYPED)
    deliver_sms(now=city_time(0, 10))
    assert record_response(find_link(token).invitation, active_question_set(), {"overall": 5}, None, "vi")
    deliver_sms(now=city_time(10, 10))
    assert [m["kind"] for m in gateway.delivered.values()] == ["invitation"]


def test_an_opt_out_reply_stops_the_reminder_at_once(delivering, client, gateway):
    factories.issue_link("HS-O1", phone=PHONE_TYPED)
    deliver_sms(now=city_time(0, 10))
    headers = {"Authorization": f"Bearer {INBOUND_SECRET}"}
    answer = client.post("/sms/inbound", json={"from": "84912345678", "text": " tc "}, headers=headers)
    assert answer.get_json() == {"opted_out": True}
    deliver_sms(now=city_time(10, 10))
    assert len(gateway.requests) == 1
    # A later case for the same number is not messaged at all, and its link is still withheld.
    key = factories.api_key()
    later = post_case(client, key, case_ref="HS-O2", phone="+84 912 345 678").get_json()
    assert later["delivery"] == "declined" and later["survey_url"] is None
    deliver_sms(now=city_time(10, 11))
    assert len(gateway.requests) == 1


def test_the_stop_link_opts_out(delivering, client, gateway):
    token = factories.issue_link("HS-S1", phone=PHONE_TYPED)
    page = client.get(f"/stop/{token}")
    assert page.status_code == 200
    csrf = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/stop/{token}", data={"csrf_token": csrf}).status_code == 200
    deliver_sms(now=city_time(0, 10))
    assert gateway.requests == []
    assert db.session.scalar(select(SmsMessage.status)) == "cancelled"


def test_bad_opt_out_requests_change_nothing(delivering, client):
    factories.issue_link("HS-B1", phone=PHONE_TYPED)
    good = {"Authorization": f"Bearer {INBOUND_SECRET}"}
    assert client.post("/sms/inbound", json={"from": PHONE, "text": "TC"}).status_code == 401
    assert client.post("/sms/inbound", json={"from": "12", "text": "TC"}, headers=good).status_code == 422
    assert client.post("/sms/inbound", json=["x"], headers=good).status_code == 422
    assert client.post("/sms/inbound", json={"from": PHONE, "text": "cam on"}, headers=good).get_json() == {
        "opted_out": False
    }
    assert client.post("/stop/not-a-token").status_code == 400  # no CSRF token
    assert client.get("/stop/not-a-token").status_code == 404
    assert db.session.scalar(select(Contact.opted_out_at)) is None


def test_gateway_failures_keep_messages_queued_and_retried_never_lost_or_doubled(delivering, gateway):
    factories.issue_link("HS-F1", phone=PHONE_TYPED)
    factories.issue_link("HS-F2", phone="0987654321")
    working_url = gateway.url

    delivering.config["SMS_GATEWAY_URL"] = closed_port_url()
    refused = deliver_sms(now=city_time(0, 10, 0))
    assert refused.retried == 2 and refused.sent == 0

    delivering.config["SMS_GATEWAY_URL"] = working_url
    gateway.mode = "500"
    assert deliver_sms(now=city_time(0, 10, 0)).retried == 0  # not due again yet: back-off
    server_error = deliver_sms(now=city_time(0, 10, 2))
    assert server_error.retried == 2 and gateway.delivered == {}

    gateway.mode = "slow"  # the gateway takes the message but answers too late
    timed_out = deliver_sms(now=city_time(0, 10, 10))
    assert timed_out.retried == 2
    statuses = db.session.scalars(select(SmsMessage.status).order_by(SmsMessage.id)).all()
    assert statuses == ["queued", "queued"]

    gateway.mode = "ok"
    done = deliver_sms(now=city_time(0, 10, 30))
    assert done.sent == 2
    assert len(gateway.delivered) == 2  # each message once, whatever the gateway saw before
    retried_ids = [r["id"] for r in gateway.requests]
    assert all(r["idempotency_key"] == r["id"] for r in gateway.requests)
    assert len(set(retried_ids)) == 2  # every attempt of a message carried the same id
    assert deliver_sms(now=city_time(0, 11)).sent == 0
    assert db.session.scalars(select(SmsMessage.attempts).order_by(SmsMessage.id)).all() == [4, 4]


def test_a_message_gives_up_after_the_last_attempt_and_says_so(delivering, gateway):
    factories.issue_link("HS-G1", phone=PHONE_TYPED)
    gateway.mode = "500"
    for day in range(MAX_ATTEMPTS + 2):  # one run a day: every back-off (at most 6 hours) has passed
        deliver_sms(now=city_time(day, 10))
    message = db.session.scalar(select(SmsMessage))
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS and "500" in message.last_error


def test_a_bad_phone_is_a_field_error_and_stores_nothing(delivering, client):
    key = factories.api_key()
    for bad in ("12345", "02838221234", "+1 415 555 0100", 912345678, "0912345678x"):
        answer = post_case(client, key, phone=bad)
        assert answer.status_code == 422, bad
        assert answer.get_json()["errors"][0]["pointer"] == "/phone"
    assert db.session.scalar(select(Contact.id)) is None
    assert db.session.scalar(select(SmsMessage.id)) is None


def test_without_a_gateway_the_number_is_not_kept_and_the_link_is_returned(app, client):
    factories.small_city()
    key = factories.api_key()
    body = post_case(client, key, phone=PHONE_TYPED).get_json()
    assert body["survey_url"].startswith("http://localhost/s/") and body["delivery"] is None
    assert db.session.scalar(select(Contact.id)) is None


def test_the_scheduler_runs_delivery_and_the_nightly_purge(delivering):
    from survey.models import AuditLog
    from survey.privacy.retention import RECEIPT_ACTION
    from survey.scheduler import build_scheduler, run_retention

    scheduler = build_scheduler(delivering)
    scheduler.start(paused=True)
    try:
        jobs = {job.id for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert {"outbox", "retention_purge"} <= jobs
    run_retention(delivering)
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == RECEIPT_ACTION)) == RECEIPT_ACTION
