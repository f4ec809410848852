"""Action plans: filed by a manager (typically after a below-peers flag), reviewed by the parent
agency's manager or an admin, published only once approved, then followed by progress notes.

Review is a second pair of eyes: the person who filed a plan never approves it, and a manager
reviews only plans of agencies strictly below their own (the ward's plan goes to the city).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select

from survey.audit import record
from survey.auth.signin import actor
from survey.extensions import db
from survey.models import ActionPlan, ActionPlanUpdate, Agency, Service, Snapshot, User
from survey.models.agency import subtree_ids
from survey.models.base import to_naive_utc
from survey.notify.plans import notify_plan_reviewed, notify_plan_waiting


@dataclass
class PlanContent:
    """What a manager writes in a plan (the form's values, already validated)."""

    what: str
    target: str
    measure: str
    owner: str
    due_on: date
    services: list[Service] = field(default_factory=list)
    drivers: list[str] = field(default_factory=list)


class ReviewError(Exception):
    """A review the user may not make, or a decision without the note it needs."""


def plan_state(plan: ActionPlan) -> dict:
    """The plan as the audit log records it."""
    return {
        "agency": plan.agency.code if plan.agency else None,
        "what": plan.what,
        "target": plan.target,
        "measure": plan.measure,
        "owner": plan.owner,
        "due_on": plan.due_on.isoformat() if plan.due_on else None,
        "services": [service.code for service in plan.services],
        "drivers": list(plan.drivers or []),
        "review_state": plan.review_state,
    }


def _apply(plan: ActionPlan, content: PlanContent) -> None:
    plan.what = content.what.strip()
    plan.target = content.target.strip()
    plan.measure = content.measure.strip()
    plan.owner = content.owner.strip()
    plan.due_on = content.due_on
    plan.services = list(content.services)
    plan.drivers = list(content.drivers)


def file_plan(agency: Agency, user: User, content: PlanContent, snapshot: Snapshot | None = None) -> ActionPlan:
    """Create a plan for ``agency``, linked to the snapshot that flagged it (if any); it awaits review."""
    plan = ActionPlan(
        agency_id=agency.id,
        snapshot_id=snapshot.id if snapshot else None,
        status="planned",
        review_state="under_review",
        created_by_id=user.id,
    )
    _apply(plan, content)
    db.session.add(plan)
    db.session.flush()
    db.session.refresh(plan, ["agency"])
    after = plan_state(plan) | {"snapshot_id": plan.snapshot_id, "status": plan.status}
    record(actor(user), "plan.create", f"action_plan:{plan.id}", None, after)
    notify_plan_waiting(plan)
    db.session.commit()
    return plan


def revise_plan(plan: ActionPlan, user: User, content: PlanContent) -> None:
    """Change a plan not yet published (or sent back); it goes to review again."""
    if plan.review_state == "published":
        raise ReviewError("published")
    before = plan_state(plan)
    _apply(plan, content)
    plan.review_state = "under_review"
    db.session.flush()
    record(actor(user), "plan.update", f"action_plan:{plan.id}", before, plan_state(plan))
    notify_plan_waiting(plan, revised=True)
    db.session.commit()


def can_review(user: User, plan: ActionPlan) -> bool:
    """Admins, or a manager of an agency strictly above the plan's; never the person who filed it."""
    if plan.created_by_id == user.id:
        return False
    if user.role == "admin":
        return True
    if user.role != "manager" or user.agency_id is None or user.agency_id == plan.agency_id:
        return False
    return plan.agency_id in subtree_ids(user.agency_id)


def review_plan(plan: ActionPlan, user: User, approve: bool, note: str, now: datetime | None = None) -> None:
    """Publish the plan, or send it back with a note saying what to change; audited either way."""
    note = note.strip()
    if plan.review_state != "under_review":
        raise ReviewError("not under review")
    if not can_review(user, plan):
        raise ReviewError("not allowed")
    if not approve and not note:
        raise ReviewError("note needed")
    before = {"review_state": plan.review_state}
    plan.review_state = "published" if approve else "returned"
    plan.reviewed_by_id = user.id
    plan.reviewed_at = to_naive_utc(now or datetime.now(UTC))
    plan.review_note = note or None
    record(
        actor(user),
        "plan.review",
        f"action_plan:{plan.id}",
        before,
        {"review_state": plan.review_state, "note": plan.review_note},
    )
    notify_plan_reviewed(plan)
    db.session.commit()


def add_progress(plan: ActionPlan, user: User, note: str, status: str) -> ActionPlanUpdate:
    """Record a progress note and the plan's status as of now."""
    before = plan.status
    update = ActionPlanUpdate(plan_id=plan.id, note=note.strip(), status=status, created_by_id=user.id)
    plan.status = status
    db.session.add(update)
    record(
        actor(user),
        "plan.progress",
        f"action_plan:{plan.id}",
        {"status": before},
        {"status": status, "note": update.note},
    )
    db.session.commit()
    return update


def plans_for(agency_ids: Iterable[int]) -> list[ActionPlan]:
    """Plans of these agencies, newest first."""
    return list(
        db.session.scalars(
            select(ActionPlan)
            .where(ActionPlan.agency_id.in_(list(agency_ids)))
            .order_by(ActionPlan.created_at.desc(), ActionPlan.id.desc())
        )
    )


def plans_to_review(user: User, scope: set[int] | None) -> list[ActionPlan]:
    """Plans under review that this user may decide, oldest first (the longest waiting on top)."""
    query = select(ActionPlan).where(ActionPlan.review_state == "under_review")
    if scope is not None:
        query = query.where(ActionPlan.agency_id.in_(scope))
    query = query.order_by(ActionPlan.created_at, ActionPlan.id)
    return [plan for plan in db.session.scalars(query) if can_review(user, plan)]
