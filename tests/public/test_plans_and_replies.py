"""What managers publish next to the figures: action plans and public replies."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from ranking.periods import CITY_TZ
from survey.models import ActionPlan, ActionPlanUpdate, Agency, Feedback, Response, Service
from tests.public.helpers import build_small_site


def flagged_agency(db) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == "Q1-W1"))


def test_action_plans_of_flagged_agencies_are_published(client, db):
    build_small_site(charts=False)
    agency = flagged_agency(db)
    plan = ActionPlan(
        agency_id=agency.id,
        what="Open a second counter on Saturdays",
        owner="Ward chairman",
        due_on=date(2026, 12, 1),
        review_state="published",  # approved by the parent agency
    )
    plan.updates.append(ActionPlanUpdate(note="Counter staffed from 7 November", status="in_progress"))
    db.session.add_all(
        [
            plan,
            ActionPlan(agency_id=agency.id, what="Dropped idea", owner="x", due_on=date(2026, 11, 1), status="dropped"),
            ActionPlan(agency_id=agency.id, what="Not reviewed yet", owner="x", due_on=date(2026, 11, 1)),
        ]
    )
    db.session.commit()
    home = client.get("/?lang=en").text
    assert "What flagged agencies say they will do" in home and "Open a second counter on Saturdays" in home
    page = client.get("/agencies/Q1-W1?lang=en").text
    assert "Open a second counter on Saturdays" in page and "Counter staffed from 7 November" in page
    assert "status: planned" in page and "Dropped idea" not in page
    assert "Not reviewed yet" not in page and "Not reviewed yet" not in home  # public only once reviewed


def test_only_replies_marked_public_are_shown_and_never_the_comment(client, db):
    build_small_site(charts=False)
    agency = flagged_agency(db)
    first, second = db.session.scalars(select(Response).where(Response.agency_id == agency.id).limit(2)).all()
    first.comment = "Private complaint with details"
    db.session.add_all(
        [
            Feedback(
                response_id=first.id,
                status="responded",
                reply="We have added staff.",
                reply_public=True,
                replied_at=datetime(2026, 10, 5, 2, 0),
            ),
            Feedback(
                response_id=second.id,
                status="responded",
                reply="Internal reply",
                reply_public=False,
                replied_at=datetime(2026, 10, 6, 2, 0),
            ),
        ]
    )
    db.session.commit()
    page = client.get("/agencies/Q1-W1?lang=en").text
    assert "We have added staff." in page
    assert "Internal reply" not in page and "Private complaint" not in page
    service = db.session.get(Service, first.service_id)
    month = f"{first.submitted_at.replace(tzinfo=UTC).astimezone(CITY_TZ):%Y-%m}"
    assert f"About {service.name_en}, a comment from {month}" in page
