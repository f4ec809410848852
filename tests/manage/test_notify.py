"""Notifications go to the outbox; a separate job delivers them through the configured sender."""

from __future__ import annotations

import email
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from ranking.periods import parse_period
from survey.models import OutboxMessage, Snapshot
from survey.notify.messages import notify_publication, weekly_digest
from survey.outbox import MAX_ATTEMPTS, LogSender, SMTPSender, deliver_pending, enqueue, sender_for
from survey.publication import publish
from tests import factories

SEPT = datetime(2026, 9, 15, 3, tzinfo=UTC)
WARDS = {"Q1-BN": (30, 70), "Q1-DK": (90, 10), "Q1-TD": (88, 12), "Q3-P1": (92, 8), "Q3-P2": (89, 11)}


def messages(db) -> dict[str, OutboxMessage]:
    return {m.to: m for m in db.session.scalars(select(OutboxMessage))}


@pytest.fixture
def snapshot(db, staff) -> Snapshot:
    for code, (good, bad) in WARDS.items():
        factories.responses(code, good, bad, SEPT)
    [result] = publish(
        parse_period("2026-09"),
        actor="test",
        now=datetime(2026, 10, 2, tzinfo=UTC),
        groups=["ward"],
        render_charts=False,
        notify=False,
    )
    return db.session.get(Snapshot, result.snapshot_id)


def test_publishing_notifies_by_itself_once(db, staff):
    for code, (good, bad) in WARDS.items():
        factories.responses(code, good, bad, SEPT)
    [result] = publish(parse_period("2026-09"), actor="test", now=datetime(2026, 10, 2, tzinfo=UTC), groups=["ward"])
    queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert result.created and queued == 4
    assert notify_publication(db.session.get(Snapshot, result.snapshot_id)) == 0  # deduplicated


def test_publication_notifies_staff_whose_subtree_is_in_the_table(db, staff, snapshot):
    assert notify_publication(snapshot) == 4
    found = messages(db)
    assert set(found) == {staff.manager.email, staff.viewer.email, staff.ward.email, staff.other.email}
    flagged = found[staff.manager.email]  # Quận 1's ward Q1-BN is below its peers
    assert flagged.kind == "flagged" and "tháng 9 năm 2026" in flagged.subject.lower()
    assert f"http://localhost/manage/plans/new?agency={snapshot.entries[0].agency_id}" in flagged.body
    assert "Q1-BN" in flagged.body and "Q1-DK" in flagged.body and "Q3-P1" not in flagged.body
    # Vietnamese readers get a decimal comma and the month in words
    assert re.search(r"\d+,\d%", flagged.body) and not re.search(r"\d+\.\d%", flagged.body)
    assert "tháng 9 năm 2026" in flagged.body.lower()
    assert found[staff.ward.email].kind == "flagged"
    assert found[staff.other.email].kind == "publication" and "Q1-BN" not in found[staff.other.email].body
    assert all(m.sent_at is None for m in found.values())  # queued, never sent inline


def publish_october(db) -> Snapshot:
    october = datetime(2026, 10, 15, 3, tzinfo=UTC)
    for code, (good, bad) in WARDS.items():
        factories.responses(code, good, bad, october, prefix="OCT")
    [result] = publish(
        parse_period("2026-10"),
        actor="test",
        now=datetime(2026, 11, 2, tzinfo=UTC),
        groups=["ward"],
        render_charts=False,
        notify=False,
    )
    return db.session.get(Snapshot, result.snapshot_id)


def test_publications_gather_into_one_message_per_person(db, staff, snapshot):
    """A catch-up publishing several months sends each person one digest, not one e-mail per table."""
    assert notify_publication(snapshot) == 4
    assert notify_publication(publish_october(db)) == 4
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 4
    manager = messages(db)[staff.manager.email]
    assert manager.body.count("Q1-BN (") >= 3  # in both tables, and in the list of plans to file
    subject = manager.subject.lower()
    assert "tháng 9 năm 2026" in subject and "tháng 10 năm 2026" in subject
    assert "2 bảng xếp hạng mới" in manager.body.lower()


def test_a_sent_message_is_not_reopened(db, staff, snapshot):
    notify_publication(snapshot)
    deliver_pending()
    assert notify_publication(publish_october(db)) == 4
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 8


def test_numbers_follow_the_readers_language(client, db, staff, snapshot):
    from tests.actions import sign_in

    assert sign_in(client, staff.manager.email, next_path=None).status_code == 303
    client.get("/manage/")  # signed in with the default language: Vietnamese
    staff.ward.locale = "en"  # the ward manager last signed in in English
    db.session.commit()
    notify_publication(snapshot)
    found = messages(db)
    english, vietnamese = found[staff.ward.email], found[staff.manager.email]
    assert re.search(r"\d+\.\d%", english.body) and not re.search(r"\d+,\d%", english.body)
    assert "September 2026" in english.subject and "Worse than peers" in english.subject
    assert re.search(r"\d+,\d%", vietnamese.body)


def test_sign_in_remembers_the_language(client, db, staff):
    from tests.actions import sign_in

    client.get("/auth/sign-in?lang=en")
    assert sign_in(client, staff.viewer.email).status_code == 303
    db.session.refresh(staff.viewer)
    assert staff.viewer.locale == "en"


def test_publication_notice_is_queued_once(db, staff, snapshot):
    notify_publication(snapshot)
    assert notify_publication(snapshot) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 4


def test_inactive_staff_are_not_notified(db, staff, snapshot):
    staff.viewer.active = False
    db.session.commit()
    notify_publication(snapshot)
    assert staff.viewer.email not in messages(db)


def test_weekly_digest_counts_new_and_waiting_comments(app, db, staff):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"  # e-mails use the default language; read them in English
    now = datetime.now(UTC)
    factories.comment("Q1-BN", "Mới tuần này", submitted=now - timedelta(days=2))
    factories.comment("Q1-DK", "Cũ nhưng chưa xem", submitted=now - timedelta(days=20))
    factories.comment("Q3-P1", "Quận 3", submitted=now - timedelta(days=1))
    assert weekly_digest(now) == 4  # Quận 1's manager, viewer and ward manager; Quận 3's manager
    found = messages(db)
    manager = found[staff.manager.email]
    assert manager.kind == "digest" and manager.subject == "Weekly digest: 1 new comment"
    assert "Comments from citizens this week: 1 new." in manager.body
    assert "Comments still waiting for a first look: 2." in manager.body
    assert "http://localhost/manage/inbox?status=new" in manager.body
    ward = found[staff.ward.email].body
    assert "this week: 1 new." in ward and "first look: 1." in ward
    assert "Mới tuần này" not in manager.body  # no comment text in e-mails
    assert staff.admin.email not in found
    assert weekly_digest(now) == 0  # once per ISO week
    assert weekly_digest(now + timedelta(days=7)) == 4


def test_nobody_gets_an_empty_digest(db, staff):
    assert weekly_digest(datetime.now(UTC)) == 0


def test_log_sender_is_the_default_and_marks_messages_sent(app, db, caplog):
    enqueue("a@example.gov.vn", "Xin chào", "Nội dung", "test")
    db.session.commit()
    assert isinstance(sender_for(app), LogSender)
    with caplog.at_level("INFO", logger="survey.outbox"):
        report = deliver_pending()
    assert (report.sent, report.failed) == (1, 0)
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is not None and message.attempts == 1
    assert "a@example.gov.vn" in caplog.text
    assert deliver_pending().sent == 0  # nothing is sent twice


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive a message (EHLO, MAIL, RCPT, DATA, QUIT)."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ready\r\n")
        lines: list[bytes] | None = None
        while line := self.rfile.readline():
            if lines is not None:
                if line == b".\r\n":
                    self.server.received.append(b"".join(lines))
                    lines = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                lines = []
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_smtp_sender_delivers_through_a_real_smtp_conversation(app, db, smtp_server):
    port = smtp_server.server_address[1]
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?starttls=0&from=khaosat@hcm.gov.vn"
    sender = sender_for(app)
    assert isinstance(sender, SMTPSender) and sender.port == port and not sender.starttls
    enqueue("manager@q1.example", "Đặt lại mật khẩu", "Liên kết: http://localhost/x", "password_reset")
    db.session.commit()
    assert deliver_pending().sent == 1
    [raw] = smtp_server.received
    received = email.message_from_bytes(raw, policy=email.policy.default)
    assert received["To"] == "manager@q1.example" and received["From"] == "khaosat@hcm.gov.vn"
    assert received["Subject"] == "Đặt lại mật khẩu" and "http://localhost/x" in received.get_content()


def test_failures_are_recorded_and_retried_up_to_a_limit(app, db):
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = SMTPSender(host="127.0.0.1", port=port, starttls=False, timeout=2)
    enqueue("a@example.gov.vn", "s", "b", "test")
    db.session.commit()
    report = deliver_pending(sender)
    assert (report.sent, report.failed) == (0, 1)  # tried once per run, not in a loop
    message = db.session.scalar(select(OutboxMessage))
    assert message.attempts == 1 and message.sent_at is None and "Connection" in message.last_error
    for _ in range(MAX_ATTEMPTS):
        deliver_pending(sender)
    db.session.refresh(message)
    assert message.attempts == MAX_ATTEMPTS  # then it is left for a person to look at


def test_smtp_url_parsing():
    sender = SMTPSender.from_url("smtps://user%40city:p%40ss@mail.example:2465?from=a@b.example")
    assert (sender.host, sender.port, sender.implicit_tls, sender.starttls) == ("mail.example", 2465, True, False)
    assert (sender.username, sender.password, sender.from_address) == ("user@city", "p@ss", "a@b.example")
    assert SMTPSender.from_url("smtp://mail.example").port == 587
    with pytest.raises(ValueError):
        SMTPSender.from_url("http://mail.example")


def test_smtp_sender_when_configured(app):
    assert not isinstance(sender_for(app), SMTPSender)  # default: log only
    app.config["SMTP_URL"] = "smtp://mail.example:25?starttls=0"  # from SURVEY_SMTP_URL
    assert isinstance(sender_for(app), SMTPSender)


def test_cli_delivers_and_queues_digests(app, db, runner, staff):
    factories.comment("Q1-BN", "Góp ý", submitted=datetime.now(UTC) - timedelta(hours=1))
    result = runner.invoke(args=["outbox", "digest"])
    assert result.exit_code == 0 and "Queued 3" in result.output  # manager, viewer of Quận 1, ward manager
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0 and "Sent 3, failed 0." in result.output
