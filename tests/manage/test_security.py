"""CSRF on every form, and no way into another agency's data through form fields or filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey.models import ActionPlan, AuditLog, Feedback
from tests.actions import post_form, sign_in


def audit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


POST_ROUTES = [
    ("/auth/sign-in", {"email": "manager@q1.example", "password": "correct horse battery staple"}),
    ("/auth/reset", {"email": "manager@q1.example"}),
    ("/auth/sign-out", {}),
    ("/auth/sign-out-everywhere", {}),
    ("/manage/inbox/{comment}", {"status": "acknowledged"}),
    ("/manage/inbox/bulk", {"ids": "{comment}", "action": "dismissed"}),
    ("/manage/plans/new", {"agency": "{agency}", "what": "x", "owner": "y", "due_on": "2099-01-01"}),
    ("/manage/plans/{plan}/progress", {"status": "done", "note": "z"}),
]


@pytest.mark.parametrize(("path", "data"), POST_ROUTES, ids=[p for p, _ in POST_ROUTES])
def test_posts_without_a_csrf_token_are_refused(client, db, world, path, data):
    sign_in(client, world.staff.manager.email)
    values = {"comment": world.q1_comment, "plan": world.q1_plan, "agency": world.ids["Q1-BN"]}
    path = path.format(**values)
    data = {key: value.format(**values) for key, value in data.items()}
    before = audit_count(db)
    assert client.post(path, data=data).status_code == 400
    assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400
    assert audit_count(db) == before  # nothing happened
    assert client.get("/manage/").status_code == 200  # still signed in


def test_reset_link_form_needs_csrf_too(client, db, staff):
    from survey.auth.reset import request_reset

    token = request_reset(staff.manager.email, "vi")
    page = client.post(f"/auth/reset/{token}", data={"password": "x" * 20, "confirm": "x" * 20})
    assert page.status_code == 400


def test_other_manager_cannot_file_a_plan_for_our_ward_via_the_form(client, db, world):
    sign_in(client, world.staff.other.email)
    due = (date.today() + timedelta(days=10)).isoformat()
    data = {"agency": str(world.ids["Q1-BN"]), "what": "Chiếm quyền", "owner": "Ai đó", "due_on": due}
    assert post_form(client, "/manage/plans/new", data).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ActionPlan)) == 2  # only the world's two


def test_bulk_with_one_foreign_id_changes_nothing(client, db, world):
    sign_in(client, world.staff.manager.email)
    data = [("ids", str(world.q1_comment)), ("ids", str(world.q3_comment)), ("action", "acknowledged")]
    assert post_form(client, "/manage/inbox/bulk", data).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_assigning_a_comment_to_someone_outside_the_subtree_is_404(client, db, world):
    sign_in(client, world.staff.manager.email)
    data = {"status": "acknowledged", "assignee": str(world.staff.other.id)}
    assert post_form(client, f"/manage/inbox/{world.q1_comment}", data).status_code == 404
    assert db.session.scalar(select(Feedback)) is None
    data["assignee"] = str(world.staff.viewer.id)  # same subtree: fine
    assert post_form(client, f"/manage/inbox/{world.q1_comment}", data).status_code == 303
    assert db.session.scalar(select(Feedback)).assignee_id == world.staff.viewer.id


@pytest.mark.parametrize(
    "path",
    [
        "/manage/?agency={Q1}",
        "/manage/inbox?agency={Q1}",
        "/manage/inbox/export.csv?agency={Q1}",
        "/manage/plans?agency={Q1}",
        "/manage/plans/new?agency={Q1}",
    ],
)
def test_ward_manager_cannot_climb_to_the_district(client, world, path):
    """A ward's manager sees the ward only: its parent district is outside the subtree."""
    sign_in(client, world.staff.ward.email)
    assert client.get(path.format(**world.ids), buffered=True).status_code == 404


@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "99999999", "1;DROP"])
def test_malformed_or_unknown_agency_ids_are_404(client, world, value):
    sign_in(client, world.staff.manager.email)
    assert client.get(f"/manage/?agency={value}").status_code == 404
    assert client.get(f"/manage/inbox?agency={value}").status_code == 404


def test_other_managers_lists_and_export_hold_none_of_our_comments(client, world):
    sign_in(client, world.staff.other.email)
    inbox = client.get("/manage/inbox").get_data(as_text=True)
    export = client.get("/manage/inbox/export.csv", buffered=True).get_data(as_text=True)
    plans = client.get("/manage/plans").get_data(as_text=True)
    for page in (inbox, export):
        assert "Phải chờ hai tiếng" not in page and "Cán bộ hướng dẫn rất tận tình" in page
    assert "Thêm quầy tiếp nhận" not in plans and "Mở thêm giờ làm việc" in plans


def test_dashboard_agency_picker_offers_only_the_subtree(client, world):
    sign_in(client, world.staff.manager.email)
    html = client.get("/manage/").get_data(as_text=True)
    assert "(Q1-BN)" in html and "(Q1-DK)" in html and "(Q3-P1)" not in html and "(SO-TP)" not in html


def test_viewer_sees_no_change_controls(client, world):
    sign_in(client, world.staff.viewer.email)
    inbox = client.get("/manage/inbox").get_data(as_text=True)
    comment = client.get(f"/manage/inbox/{world.q1_comment}").get_data(as_text=True)
    assert 'name="ids"' not in inbox and 'name="status"' not in comment and "Phải chờ hai tiếng" in comment
