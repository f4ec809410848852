"""`retention purge` erases each data class when its time is up, counts first with --dry-run, and leaves a receipt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from survey.delivery.queue import deliver_sms
from survey.extensions import db
from survey.models import AuditLog, Case, Contact, Invitation, Response
from survey.privacy.register import register_markdown
from survey.privacy.retention import RECEIPT_ACTION, purge
from survey.responses import find_link
from tests import factories
from tests.actions import signed_in
from tests.delivery.conftest import city_time

ROOT = Path(__file__).resolve().parents[2]


def test_purge_erases_each_class_when_due_and_dry_run_only_counts(delivering, runner):
    token = factories.issue_link("HS-P1", phone="0912345678")
    factories.comment("Q1-BN", "Hàng chờ quá lâu", overall=2, case_ref="HS-P2")
    deliver_sms(now=city_time(0, 10))
    now = datetime.now(UTC)

    assert set(purge(now, dry_run=True).values()) == {0}  # nothing is due yet
    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert dry.exit_code == 0 and "phone: 0 due (dry run" in dry.output

    closed = now + timedelta(days=31)  # the survey window (30 days) has closed: the number goes
    counts = purge(closed, dry_run=True)
    assert counts["phone"] == 1 and counts["comment"] == 0
    assert db.session.scalar(select(Contact.id)) is not None  # a dry run erases nothing
    assert purge(closed)["phone"] == 1
    assert db.session.scalar(select(Contact.id)) is None
    assert find_link(token).invitation is not None  # the link itself lives on until its own time

    years = now + timedelta(days=6 * 365)  # every class is due
    counts = purge(years)
    assert counts["comment"] == 1 and counts["invitation"] == 2 and counts["case_ref"] == 2 and counts["audit"] >= 1
    assert db.session.scalar(select(Response.comment)) is None
    assert db.session.scalar(select(Response.overall)) == 2  # the anonymous answer stays
    assert all(ref.startswith("~") for ref in db.session.scalars(select(Case.case_ref)))
    assert db.session.scalars(select(Invitation.token_salt)).all() == ["", ""]
    assert find_link(token).invitation is None  # the link no longer opens anything
    again = purge(years)  # erased once: only the previous run's receipt (itself years old by then) is due
    assert again == {"phone": 0, "comment": 0, "invitation": 0, "case_ref": 0, "audit": 1}

    [receipt] = db.session.scalars(select(AuditLog).where(AuditLog.action == RECEIPT_ACTION)).all()
    assert receipt.actor == "retention" and receipt.after["audit"] == 1
    assert receipt.after["as_of"].startswith(years.strftime("%Y-%m-%d"))


def test_the_register_in_docs_is_the_generated_one(app):
    assert (ROOT / "docs" / "processing-register.md").read_text(encoding="utf-8") == register_markdown(app)


def _schedule_table(page: str) -> str:
    start = page.index("<table>", page.index('scope="col">Data<') - 200)
    return page[start : page.index("</table>", start)]


def test_the_notice_and_the_admin_page_show_the_same_schedule(delivering, app, client):
    notice = client.get("/privacy?lang=en").get_data(as_text=True)
    factories.user("admin@example.gov.vn", "admin")
    staff = signed_in(app.test_client(), "admin@example.gov.vn")
    admin = staff.get("/admin/privacy?lang=en").get_data(as_text=True)
    rows = _schedule_table(notice).count("<tr>")
    assert rows > 4  # a heading row and one row per data class
    assert _schedule_table(notice) == _schedule_table(admin)
