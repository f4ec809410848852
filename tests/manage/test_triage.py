"""Handling comments: new → acknowledged → responded / dismissed, assignee, tags, public reply, bulk."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.manage.triage import Triage, TriageError, apply_triage, bulk_status, normalise_tags
from survey.models import AuditLog, Feedback
from tests import factories
from tests.actions import post_form, sign_in


@pytest.fixture
def comment(db, staff):
    return factories.comment("Q1-BN", "Phải chờ hai tiếng, không có ghế ngồi", overall=1)


def triage(client, response_id: int, **fields):
    return post_form(client, f"/manage/inbox/{response_id}", fields)


def feedback(db, response_id: int) -> Feedback | None:
    db.session.expire_all()
    return db.session.scalar(select(Feedback).where(Feedback.response_id == response_id))


def test_a_new_comment_has_no_handling_row_until_triaged(client, db, staff, comment):
    sign_in(client, staff.manager.email)
    page = client.get(f"/manage/inbox/{comment.id}").get_data(as_text=True)
    assert "Phải chờ hai tiếng" in page and feedback(db, comment.id) is None


def test_full_workflow_is_saved_and_audited(client, db, staff, comment):
    sign_in(client, staff.manager.email)
    assert triage(client, comment.id, status="acknowledged", tags="Hàng chờ, cơ sở vật chất").status_code == 303
    row = feedback(db, comment.id)
    assert row.status == "acknowledged" and row.tag_list == ["hàng chờ", "cơ sở vật chất"]
    reply = "Phường đã bố trí thêm ghế và một quầy tiếp nhận buổi sáng."
    result = triage(client, comment.id, status="responded", reply=reply, reply_public="y", tags="hàng chờ")
    assert result.status_code == 303
    row = feedback(db, comment.id)
    assert row.status == "responded" and row.reply == reply and row.reply_public and row.replied_at
    assert row.updated_by_id == staff.manager.id
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "feedback.update")).all()
    assert entries[0].before == {"status": "new", "tags": ""}
    assert entries[0].after == {"status": "acknowledged", "tags": "hàng chờ,cơ sở vật chất"}
    assert entries[1].before["status"] == "acknowledged" and entries[1].after["reply_public"] is True
    assert entries[1].target == f"response:{comment.id}" and entries[1].actor == staff.manager.email
    # the comment page shows the history
    history = client.get(f"/manage/inbox/{comment.id}?lang=en").get_data(as_text=True)
    assert "Status: Acknowledged → Responded" in history and "Reply published: No → Yes" in history


def test_responded_needs_a_reply(client, db, staff, comment):
    sign_in(client, staff.manager.email)
    client.get("/manage/?lang=en")
    result = triage(client, comment.id, status="responded")
    assert result.status_code == 422
    assert "Write a reply before marking the comment as responded." in result.get_data(as_text=True)
    assert feedback(db, comment.id) is None


@pytest.mark.parametrize("status", ["new", "acknowledged"])
def test_publishing_a_reply_marks_the_comment_responded(client, db, staff, comment, status):
    sign_in(client, staff.manager.email)
    result = triage(client, comment.id, status=status, reply="Đang xem xét", reply_public="y")
    assert result.status_code == 303
    row = feedback(db, comment.id)
    assert row.status == "responded" and row.reply_public and row.reply == "Đang xem xét"


def test_a_dismissed_comment_cannot_have_a_public_reply(client, db, staff, comment):
    sign_in(client, staff.manager.email)
    result = triage(client, comment.id, status="dismissed", reply="Spam", reply_public="y")
    assert result.status_code == 422 and feedback(db, comment.id) is None


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["responded", "dismissed"], "dismissed"),
        (["dismissed", "responded"], "responded"),
    ],
)
def test_transitions_outside_the_workflow_are_refused(db, staff, comment, path, refused):
    for status in path[:-1]:
        apply_triage(comment, Triage(status, reply="Đã trả lời" if status == "responded" else ""), staff.manager)
    with pytest.raises(TriageError):
        apply_triage(comment, Triage(refused, reply="x"), staff.manager)
    assert feedback(db, comment.id).status == path[0]


def test_reopening_a_responded_comment_needs_unpublishing(db, staff, comment):
    apply_triage(comment, Triage("responded", reply="Cảm ơn", reply_public=True), staff.manager)
    with pytest.raises(TriageError):
        apply_triage(comment, Triage("acknowledged", reply="Cảm ơn", reply_public=True), staff.manager)
    apply_triage(comment, Triage("acknowledged", reply="Cảm ơn"), staff.manager)
    assert not feedback(db, comment.id).reply_public


def test_saving_without_changes_writes_no_audit_entry(db, staff, comment):
    apply_triage(comment, Triage("acknowledged"), staff.manager)
    apply_triage(comment, Triage("acknowledged"), staff.manager)
    # (minting the comment's link is audited too: count only triage entries)
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action != "cases.mint")).all()) == 1


def test_bulk_acknowledge_and_dismiss(client, db, staff):
    first = factories.comment("Q1-BN", "Góp ý một")
    second = factories.comment("Q1-DK", "Góp ý hai")
    spam = factories.comment("Q1-TD", "Mua ngay hàng giá rẻ!!!")
    apply_triage(second, Triage("responded", reply="Đã xử lý"), staff.manager)
    sign_in(client, staff.manager.email)
    data = [("ids", str(first.id)), ("ids", str(second.id)), ("action", "acknowledged"), ("back", "/manage/inbox?x=1")]
    result = post_form(client, "/manage/inbox/bulk", data)
    assert result.status_code == 303 and result.headers["Location"] == "/manage/inbox?x=1"
    assert feedback(db, first.id).status == "acknowledged"
    assert feedback(db, second.id).status == "acknowledged"  # responded → acknowledged is a reopening
    post_form(client, "/manage/inbox/bulk", [("ids", str(spam.id)), ("action", "dismissed")])
    assert feedback(db, spam.id).status == "dismissed"
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "feedback.update")).all()) == 4


def test_bulk_reports_what_it_could_not_change(client, db, staff):
    done = factories.comment("Q1-BN", "Đã trả lời rồi")
    apply_triage(done, Triage("responded", reply="Đã xử lý"), staff.manager)
    changed, skipped = bulk_status([done], "dismissed", staff.manager)
    assert (changed, skipped) == (0, 1) and feedback(db, done.id).status == "responded"


def test_bulk_refuses_responded(db, staff, comment):
    with pytest.raises(TriageError):
        bulk_status([comment], "responded", staff.manager)


def test_bulk_redirect_never_leaves_the_inbox(client, db, staff, comment):
    sign_in(client, staff.manager.email)
    data = {"ids": str(comment.id), "action": "acknowledged", "back": "https://evil.example/manage/inbox"}
    assert post_form(client, "/manage/inbox/bulk", data).headers["Location"] == "/manage/inbox"


@pytest.mark.parametrize("ids", [[], ["abc"], ["1", "-2"]])
def test_bulk_with_malformed_ids_is_400(client, staff, comment, ids):
    sign_in(client, staff.manager.email)
    data = [("ids", value) for value in ids] + [("action", "acknowledged")]
    assert post_form(client, "/manage/inbox/bulk", data).status_code == 400


def test_published_replies_appear_publicly_without_the_comment(client, db, staff, comment):
    hidden = factories.comment("Q1-BN", "Bí mật khác", overall=2)
    apply_triage(comment, Triage("responded", reply="Đã thêm ghế chờ.", reply_public=True), staff.manager)
    apply_triage(hidden, Triage("responded", reply="Trả lời nội bộ"), staff.manager)
    page = client.get("/agencies/Q1-BN").get_data(as_text=True)
    assert "Đã thêm ghế chờ." in page
    assert "Phải chờ" not in page and "Bí mật khác" not in page and "Trả lời nội bộ" not in page
    assert "Đã thêm ghế chờ." not in client.get("/agencies/Q1-DK").get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Queue, fees ,queue", "queue,fees"),
        ("  Hàng   chờ ; PHÍ ", "hàng chờ,phí"),
        ("", ""),
        (",,,", ""),
    ],
)
def test_tags_are_normalised(text, expected):
    assert normalise_tags(text) == expected


def test_too_many_tags_are_refused(app):
    with pytest.raises(TriageError):
        normalise_tags(",".join(f"t{i}" for i in range(11)))
