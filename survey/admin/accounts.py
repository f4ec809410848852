"""Staff accounts: create, change role/agency/active, and issue a set-password link.

Admins never choose or see passwords. A new account, or one whose password an admin
resets, gets a random unknown password and a one-time link (through the outbox) to
the sign-in engineer's reset page, which sets the real one.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from survey.admin.trail import actor, record_change, state
from survey.audit import record
from survey.auth.links import ISSUED, LINK_PLACEHOLDER, VALID_FOR, void_open_links
from survey.extensions import db
from survey.i18n import current_locale
from survey.models import User
from survey.outbox import enqueue
from survey.passwords import hash_password
from survey.sessions import end_all_sessions
from survey.vocabulary import ROLE_LABELS

# Longer than a self-service reset (1 hour): a new colleague may not read mail at once.
ISSUED_LINK_VALID_FOR = VALID_FOR[ISSUED]


class AccountRuleError(Exception):
    """A change that would leave nobody able to administer the system."""


def user_state(user: User) -> dict[str, Any]:
    data = state(user, ("email", "name", "role", "active"))
    data["agency_code"] = user.agency.code if user.agency else None
    return data


def email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == email.lower())
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def all_users() -> list[User]:
    query = select(User).options(selectinload(User.agency)).order_by(User.role, func.lower(User.email))
    return list(db.session.scalars(query))


def unknown_password() -> str:
    """A real Argon2 hash of a discarded random password: sign-in fails at normal speed (no timing tell)."""
    return hash_password(secrets.token_urlsafe(32))


def create_user(values: dict[str, Any]) -> User:
    """Add the account with an unusable password and mail it a link to set one."""
    user = add_user(values, unknown_password())
    db.session.commit()
    return user


def add_user(values: dict[str, Any], password_hash: str) -> User:
    """Stage an account, its audit entry and its set-password e-mail in the current transaction."""
    user = User(
        email=values["email"].lower(),
        name=values["name"],
        role=values["role"],
        agency_id=values["agency_id"],
        password_hash=password_hash,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    db.session.refresh(user, ["agency"])
    record(actor(), "user.create", f"user:{user.id}", None, user_state(user))
    _queue_password_link(user, welcome=True)
    return user


def _active_admins_besides(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active, User.id != user.id)
    )


def update_user(user: User, values: dict[str, Any]) -> bool:
    """Change name, role, agency and active flag; refuses to remove the last active admin."""
    loses_admin = user.role == "admin" and user.active and (values["role"] != "admin" or not values["active"])
    if loses_admin and _active_admins_besides(user) == 0:
        raise AccountRuleError(_("This is the last active administrator; make someone else an administrator first."))
    before = user_state(user)
    for name in ("name", "role", "agency_id", "active"):
        setattr(user, name, values[name])
    if not user.active:  # deactivation ends every session and voids every open link
        end_all_sessions(user)
        void_open_links(user)
    db.session.flush()
    db.session.refresh(user, ["agency"])
    changed = record_change("user.update", f"user:{user.id}", before, user_state(user))
    db.session.commit()
    return changed


def issue_password_reset(user: User) -> None:
    """Sign the user out everywhere, void the old password and mail a one-time link to set a new one."""
    before = user.session_version
    user.password_hash = unknown_password()
    user.session_version = (user.session_version or 0) + 1
    end_all_sessions(user)
    void_open_links(user)  # links sent earlier stop working now, not when the new one is sent
    record(
        actor(), "user.password_reset_issued", f"user:{user.id}", {"session_version": before},
        {"session_version": user.session_version},
    )  # fmt: skip
    _queue_password_link(user, welcome=False)
    db.session.commit()


def _queue_password_link(user: User, welcome: bool) -> None:
    """Queue the e-mail; the link itself is made when it is sent (survey.auth.links)."""
    body = _password_mail(user, welcome, LINK_PLACEHOLDER)
    subject = _("Your account for public service ratings") if welcome else _("Set a new password")
    enqueue(user.email, subject, body, kind=ISSUED)


def role_and_scope(user: User) -> str:
    """One sentence naming the account's role and what it may see, for the welcome e-mail."""
    role = str(ROLE_LABELS.get(user.role, user.role))
    if user.role == "admin" or user.agency is None:
        return _("Your role is %(role)s, for the whole city.", role=role)
    agency = user.agency.name(current_locale())
    return _("Your role is %(role)s, for %(agency)s and the units under it.", role=role, agency=agency)


def _password_mail(user: User, welcome: bool, link: str) -> str:
    if welcome:
        opening = "\n\n".join(
            [
                _("An account for the public service ratings has been created for you (%(email)s).", email=user.email),
                role_and_scope(user),
            ]
        )
    else:
        opening = _(
            "An administrator has reset the password of your account (%(email)s). The old password no longer works.",
            email=user.email,
        )
    hours = int(ISSUED_LINK_VALID_FOR.total_seconds() // 3600)
    return "\n\n".join(
        [
            opening,
            _("Choose your password with this link, valid for %(hours)d hours and usable once:", hours=hours),
            link,
            _("If you did not expect this message, tell your administrator."),
        ]
    )
