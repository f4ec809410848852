"""Action plans: filed by a manager (typically after a below-peers flag), then progress notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from survey.audit import record
from survey.auth.signin import actor
from survey.extensions import db
from survey.models import ActionPlan, ActionPlanUpdate, Agency, Snapshot, User


def file_plan(
    agency: Agency, user: User, what: str, owner: str, due_on: date, snapshot: Snapshot | None = None
) -> ActionPlan:
    """Create a plan for ``agency``, linked to the snapshot that flagged it (if any)."""
    plan = ActionPlan(
        agency_id=agency.id,
        snapshot_id=snapshot.id if snapshot else None,
        what=what.strip(),
        owner=owner.strip(),
        due_on=due_on,
        status="planned",
        created_by_id=user.id,
    )
    db.session.add(plan)
    db.session.flush()
    record(
        actor(user),
        "plan.create",
        f"action_plan:{plan.id}",
        None,
        {
            "agency": agency.code,
            "snapshot_id": plan.snapshot_id,
            "what": plan.what,
            "owner": plan.owner,
            "due_on": due_on.isoformat(),
            "status": plan.status,
        },
    )
    db.session.commit()
    return plan


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
