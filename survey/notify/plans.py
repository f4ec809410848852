"""E-mails about action plans under review: the reviewers hear that a plan waits, the filer hears the outcome.

A plan waits for the managers of the nearest agency above it that has one (a ward's plan goes to
the city's managers, not to every manager up the tree); with nobody there, the admins review it.
Each e-mail is written in its reader's language and queued in the same transaction as the step
it reports, so a plan is never filed without its reviewers being told.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from survey.extensions import db
from survey.models import ActionPlan, Agency, User
from survey.notify.links import external_url
from survey.notify.messages import reader_locale
from survey.outbox import enqueue


def reviewers(plan: ActionPlan) -> list[User]:
    """Active managers of the nearest ancestor that has any, else the active admins; never the filer."""
    active = (User.active.is_(True), User.id != plan.created_by_id)
    agency = db.session.get(Agency, plan.agency_id)
    while agency is not None and agency.parent_id is not None:
        agency = db.session.get(Agency, agency.parent_id)
        managers = list(
            db.session.scalars(select(User).where(*active, User.role == "manager", User.agency_id == agency.id))
        )
        if managers:
            return managers
    return list(db.session.scalars(select(User).where(*active, User.role == "admin").order_by(User.id)))


def _agency_name(plan: ActionPlan, locale: str) -> str:
    return plan.agency.name(locale) if plan.agency else ""


def notify_plan_waiting(plan: ActionPlan, *, revised: bool = False) -> int:
    """Queue one e-mail per reviewer saying the plan waits for them; returns how many."""
    link = external_url("manage.plan", plan_id=plan.id)
    queue = external_url("manage.plans_review")
    told = 0
    for user in reviewers(plan):
        with force_locale(reader_locale(user)):
            agency = _agency_name(plan, reader_locale(user))
            subject = (
                _("Changed action plan to review: %(agency)s", agency=agency)
                if revised
                else _("Action plan to review: %(agency)s", agency=agency)
            )
            body = "\n".join(
                (
                    _("%(agency)s has filed an action plan. It is published only once you approve it.", agency=agency),
                    "",
                    f"{_('Read and review it:')} {link}",
                    f"{_('Every plan waiting for you:')} {queue}",
                )
            )
        enqueue(user.email, subject, body, "plan_review")
        told += 1
    return told


def notify_plan_reviewed(plan: ActionPlan) -> bool:
    """Tell the person who filed the plan that it was published or sent back (with the note)."""
    filer = db.session.get(User, plan.created_by_id) if plan.created_by_id else None
    if filer is None or not filer.active:
        return False
    locale = reader_locale(filer)
    with force_locale(locale):
        agency = _agency_name(plan, locale)
        if plan.review_state == "published":
            subject = _("Action plan published: %(agency)s", agency=agency)
            lines = [_("Your action plan has been approved and is now on the agency's public page.")]
        else:
            subject = _("Action plan sent back: %(agency)s", agency=agency)
            lines = [_("Your action plan has been sent back for changes. The reviewer's note:"), plan.review_note or ""]
        lines += ["", f"{_('The plan:')} {external_url('manage.plan', plan_id=plan.id)}"]
    enqueue(filer.email, subject, "\n".join(lines), "plan_review")
    return True
