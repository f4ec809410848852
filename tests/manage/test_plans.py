"""Action plans: filed when flagged, reviewed by the parent agency, progress notes, and what the public site gets."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from ranking.periods import parse_period
from survey.models import ActionPlan, Agency, AuditLog, Service
from survey.publication import publish
from tests import factories
from tests.actions import post_form, sign_in, signed_in

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
    data = {
        "agency": str(agency_id),
        "what": "Thêm một quầy tiếp nhận buổi sáng",
        "target": "80% hài lòng với đăng ký khai sinh",
        "measure": "Tỷ lệ hài lòng trong công bố hằng tháng",
        "owner": "Tổ một cửa",
        "due_on": DUE,
    }
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


def person(client, email: str):
    """A browser of its own for another member of staff."""
    return signed_in(client.application.test_client(), email)


def review(client, plan_id: int, decision: str = "publish", note: str = ""):
    return post_form(client, f"/manage/plans/{plan_id}/review", {"decision": decision, "note": note})


def test_plan_appears_publicly_with_its_progress(client, db, staff, flagged):
    sign_in(client, staff.ward.email)  # the ward files, its district reviews
    file(client, flagged.id)
    plan = db.session.scalar(select(ActionPlan))
    assert plan.review_state == "under_review"
    assert review(person(client, staff.manager.email), plan.id).status_code == 303
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
    assert "Plan filed, under review" in html and "Flagged in the latest publication" not in html
    assert f'class="button" href="/manage/plans/new?agency={flagged.id}"' not in html


def test_the_parent_reviews_and_only_then_the_plan_is_public(client, db, staff, flagged):
    sign_in(client, staff.ward.email)
    file(client, flagged.id, drivers=["procedure", "civil_servant"])
    plan = db.session.scalar(select(ActionPlan))
    assert plan.drivers == ["procedure", "civil_servant"] and plan.target.startswith("80%")
    assert "Thêm một quầy" not in client.get("/agencies/Q1-BN?lang=en").get_data(as_text=True)
    assert review(client, plan.id).status_code == 403  # nobody approves their own agency's plan
    assert review(person(client, staff.other.email), plan.id).status_code == 404  # another subtree does not even see it
    district = person(client, staff.manager.email)
    queue = district.get("/manage/plans/review?lang=en").get_data(as_text=True)
    assert f"/manage/plans/{plan.id}" in queue
    # Sending it back needs a note; without one nothing changes.
    refused = review(district, plan.id, "return")
    assert refused.status_code == 422 and 'role="alert"' in refused.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.review_state == "under_review"
    assert review(district, plan.id, "return", "Nêu rõ giờ mở quầy").status_code == 303
    db.session.refresh(plan)
    assert plan.review_state == "returned" and plan.review_note == "Nêu rõ giờ mở quầy"
    # The ward changes it; it goes back to review, then the district publishes it.
    html = client.get(f"/manage/?agency={flagged.id}&lang=en").get_data(as_text=True)
    assert "Plan sent back for changes" in html
    changed = post_form(
        client,
        f"/manage/plans/{plan.id}/edit",
        {
            "agency": str(flagged.id),
            "what": "Mở quầy từ 7 giờ sáng",
            "target": "80%",
            "measure": "Công bố hằng tháng",
            "owner": "Tổ một cửa",
            "due_on": DUE,
            "drivers": ["procedure"],
        },
    )
    assert changed.status_code == 303
    db.session.refresh(plan)
    assert plan.review_state == "under_review" and plan.what == "Mở quầy từ 7 giờ sáng"
    assert review(district, plan.id, "publish").status_code == 303
    db.session.refresh(plan)
    assert plan.review_state == "published" and plan.reviewed_by_id == staff.manager.id
    assert "Mở quầy từ 7 giờ sáng" in client.get("/agencies/Q1-BN?lang=en").get_data(as_text=True)
    assert review(district, plan.id).status_code == 422  # already decided
    decisions = db.session.scalars(select(AuditLog).where(AuditLog.action == "plan.review").order_by(AuditLog.id))
    assert [entry.after["review_state"] for entry in decisions] == ["returned", "published"]
    html = client.get(f"/manage/?agency={flagged.id}&lang=en").get_data(as_text=True)
    assert "Plan published" in html
    assert client.get(f"/manage/plans/{plan.id}/edit").status_code == 404  # progress notes from now on
    history = client.get(f"/manage/plans/{plan.id}?lang=en").get_data(as_text=True)
    assert "Reviewed an action plan" in history and "Sent back for changes → Published" not in history


def test_an_admin_may_review(client, db, staff, flagged):
    sign_in(client, staff.ward.email)
    file(client, flagged.id)
    plan_id = db.session.scalar(select(ActionPlan.id))
    assert review(person(client, staff.admin.email), plan_id).status_code == 303
    assert db.session.get(ActionPlan, plan_id).review_state == "published"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target": ""}, "State the figure you aim for."),
        ({"measure": ""}, "Say how progress will be measured."),
        ({"drivers": ["speed"]}, "Choose only from the list."),
        ({"services": ["999999"]}, "Choose only from the list."),
        ({"services": ["x"]}, "Choose only from the list."),
    ],
)
def test_bad_plan_fields_change_nothing(client, db, staff, flagged, overrides, message):
    sign_in(client, staff.ward.email)
    client.get("/manage/?lang=en")
    result = file(client, flagged.id, **overrides)
    html = result.get_data(as_text=True)
    assert result.status_code == 422 and message in html
    assert db.session.scalar(select(ActionPlan)) is None


def test_a_flagged_service_is_ticked_when_the_plan_starts_from_it(client, db, staff, flagged):
    sign_in(client, staff.ward.email)
    service_id = db.session.scalar(select(Service.id).where(Service.code == "HT-KHAISINH"))
    form = client.get(f"/manage/plans/new?agency={flagged.id}&service={service_id}&driver=civil_servant").text
    assert re.search(rf'checked[^>]*value="{service_id}"|value="{service_id}"[^>]*checked', form)
    assert re.search(r'checked[^>]*value="civil_servant"|value="civil_servant"[^>]*checked', form)


def mail_to(db, email: str) -> list:
    """E-mails about plans queued for ``email`` (publication notices left out)."""
    from survey.models import OutboxMessage

    query = select(OutboxMessage).where(OutboxMessage.to == email, OutboxMessage.kind == "plan_review")
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_the_parent_hears_a_plan_waits_and_the_filer_hears_the_outcome(client, db, staff, flagged):
    sign_in(client, staff.ward.email)
    file(client, flagged.id)
    plan = db.session.scalar(select(ActionPlan))
    # The ward's plan waits for the nearest manager above it (Quận 1), not for other subtrees or the filer.
    [waiting] = mail_to(db, staff.manager.email)
    assert waiting.kind == "plan_review" and f"/manage/plans/{plan.id}" in waiting.body
    assert "/manage/plans/review" in waiting.body and flagged.name("vi") in waiting.subject
    assert not mail_to(db, staff.other.email) and not mail_to(db, staff.admin.email)
    assert not mail_to(db, staff.ward.email)
    district = person(client, staff.manager.email)
    assert review(district, plan.id, "return", "Nêu rõ giờ mở quầy").status_code == 303
    [sent_back] = mail_to(db, staff.ward.email)
    assert "Nêu rõ giờ mở quầy" in sent_back.body and f"/manage/plans/{plan.id}" in sent_back.body
    assert review(person(client, staff.admin.email), plan.id, "publish").status_code == 422  # not under review


def test_a_plan_with_no_manager_above_waits_for_the_admins(client, db, staff):
    sign_in(client, staff.manager.email)  # Quận 1's own plan: the city above has no manager
    q1 = db.session.scalar(select(Agency).where(Agency.code == "Q1"))
    assert file(client, q1.id).status_code == 303
    assert [m.kind for m in mail_to(db, staff.admin.email)] == ["plan_review"]
    assert not mail_to(db, staff.manager.email)
