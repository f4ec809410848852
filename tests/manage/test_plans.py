"""Action plans: filed when flagged, progress notes, and what the public site gets."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from ranking.periods import parse_period
from survey.models import ActionPlan, Agency, AuditLog
from survey.publication import publish
from tests import factories
from tests.actions import post_form, sign_in

SEPT = datetime(2026, 9, 15, 3, tzinfo=UTC)
OCT = datetime(2026, 10, 15, 3, tzinfo=UTC)
WARDS = {"Q1-BN": (30, 70), "Q1-DK": (90, 10), "Q1-TD": (88, 12), "Q3-P1": (92, 8), "Q3-P2": (89, 11)}
DUE = (date.today() + timedelta(days=90)).isoformat()


@pytest.fixture
def flagged(db, staff) -> Agency:
    """Ward Q1-BN published as `below` its peers for September 2026."""
    for code, (good, bad) in WARDS.items():
        factories.responses(code, good, bad, SEPT)
    publish(
        parse_period("2026-09"),
        actor="test",
        now=datetime(2026, 10, 2, tzinfo=UTC),
        groups=["ward"],
        render_charts=False,
    )
    return db.session.scalar(select(Agency).where(Agency.code == "Q1-BN"))


def file(client, agency_id: int, **overrides):
    data = {"agency": str(agency_id), "what": "Thêm một quầy tiếp nhận buổi sáng", "owner": "Tổ một cửa", "due_on": DUE}
    data.update(overrides)
    return post_form(client, "/manage/plans/new", data)


def test_manager_of_a_flagged_ward_files_a_plan(client, db, staff, flagged):
    sign_in(client, staff.manager.email)
    form = client.get(f"/manage/plans/new?agency={flagged.id}").get_data(as_text=True)
    assert "2026-09" in form and f'<option selected value="{flagged.id}">' in form
    result = file(client, flagged.id)
    assert result.status_code == 303
    plan = db.session.scalar(select(ActionPlan))
    assert result.headers["Location"] == f"/manage/plans/{plan.id}"
    assert plan.agency_id == flagged.id and plan.snapshot.period == "2026-09" and plan.status == "planned"
    assert plan.created_by_id == staff.manager.id and plan.due_on.isoformat() == DUE
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "plan.create"))
    assert entry.after["agency"] == "Q1-BN" and entry.after["what"] == plan.what
    listing = client.get("/manage/plans").get_data(as_text=True)
    assert "Thêm một quầy tiếp nhận" in listing


def test_plan_appears_publicly_with_its_progress(client, db, staff, flagged):
    sign_in(client, staff.manager.email)
    file(client, flagged.id)
    plan = db.session.scalar(select(ActionPlan))
    note = post_form(client, f"/manage/plans/{plan.id}/progress", {"status": "in_progress", "note": "Đã lắp quầy"})
    assert note.status_code == 303
    for code, (good, bad) in {**WARDS, "Q1-BN": (70, 30)}.items():
        factories.responses(code, good, bad, OCT, prefix="OCT")
    publish(
        parse_period("2026-10"),
        actor="test",
        now=datetime(2026, 11, 2, tzinfo=UTC),
        groups=["ward"],
        render_charts=False,
    )
    page = client.get("/agencies/Q1-BN?lang=en").get_data(as_text=True)
    assert "Thêm một quầy tiếp nhận buổi sáng" in page and "Tổ một cửa" in page
    assert "status: in progress" in page and "Đã lắp quầy" in page
    assert "2026-10" in page  # the later result is in the agency's published history
    assert "Thêm một quầy tiếp nhận" not in client.get("/agencies/Q1-DK?lang=en").get_data(as_text=True)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "plan.progress"))
    assert audit.before == {"status": "planned"} and audit.after["status"] == "in_progress"


def test_a_plan_can_be_filed_without_a_flag(client, db, staff):
    sign_in(client, staff.manager.email)
    q1dk = db.session.scalar(select(Agency.id).where(Agency.code == "Q1-DK"))
    assert file(client, q1dk).status_code == 303
    assert db.session.scalar(select(ActionPlan)).snapshot_id is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_on": "2000-01-01"}, "The due date cannot be in the past."),
        ({"what": ""}, "Describe what will change."),
        ({"owner": ""}, "Name the person or unit responsible."),
        ({"due_on": "31/12/2099"}, "Enter a due date."),
    ],
)
def test_invalid_plans_are_explained(client, db, staff, flagged, overrides, message):
    sign_in(client, staff.manager.email)
    client.get("/manage/?lang=en")
    result = file(client, flagged.id, **overrides)
    html = result.get_data(as_text=True)
    assert result.status_code == 422 and message in html and 'role="alert"' in html
    assert db.session.scalar(select(ActionPlan)) is None


def test_progress_note_is_required(client, db, staff, flagged):
    sign_in(client, staff.manager.email)
    file(client, flagged.id)
    plan_id = db.session.scalar(select(ActionPlan.id))
    assert post_form(client, f"/manage/plans/{plan_id}/progress", {"status": "done", "note": ""}).status_code == 422


def test_dashboard_links_the_plan(client, db, staff, flagged):
    sign_in(client, staff.manager.email)
    file(client, flagged.id)
    html = client.get(f"/manage/?agency={flagged.id}").get_data(as_text=True)
    assert re.search(r'href="/manage/plans/\d+">Thêm một quầy', html)


def test_dashboard_points_to_the_plan_answering_the_flag(client, db, staff, flagged):
    sign_in(client, staff.manager.email)
    file(client, flagged.id)
    html = client.get(f"/manage/?agency={flagged.id}&lang=en").get_data(as_text=True)
    assert "An action plan answers this publication" in html
    assert f'class="button" href="/manage/plans/new?agency={flagged.id}"' not in html
