"""Peer groups as a managed list: an admin adds a group once, then agencies pick it from a list.

Free text made a typo ("wards") into a one-agency league table; a list cannot. Codes already used
by agencies (from imports or before the list existed) stay choosable, named by their code.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from survey.admin.trail import actor, state
from survey.audit import record
from survey.extensions import db
from survey.models import Agency, PeerGroup
from survey.vocabulary import PEER_GROUPS


def managed_groups() -> list[PeerGroup]:
    return list(db.session.scalars(select(PeerGroup).order_by(PeerGroup.code)))


def group_sizes() -> dict[str, int]:
    rows = db.session.execute(select(Agency.peer_group, func.count()).group_by(Agency.peer_group))
    return dict(rows.all())


def peer_group_choices(locale: str) -> list[tuple[str, str]]:
    """(code, "Name (code)") for every group in the list, then codes agencies use that the list lacks."""
    listed = {group.code: group.name(locale) for group in managed_groups()}
    for code in sorted(group_sizes()):
        listed.setdefault(code, str(PEER_GROUPS.get(code, code)))
    return [(code, f"{name} ({code})" if name != code else code) for code, name in sorted(listed.items())]


def peer_group_taken(code: str) -> bool:
    """Taken by a listed group or by agencies already: the same league cannot be added twice."""
    lowered = code.lower()
    if db.session.scalar(select(PeerGroup.id).where(func.lower(PeerGroup.code) == lowered)) is not None:
        return True
    return db.session.scalar(select(Agency.id).where(func.lower(Agency.peer_group) == lowered).limit(1)) is not None


def create_peer_group(values: dict[str, Any]) -> PeerGroup:
    group = PeerGroup(code=values["code"], name_vi=values["name_vi"], name_en=values["name_en"] or "")
    db.session.add(group)
    db.session.flush()
    record(actor(), "peer_group.create", f"peer_group:{group.id}", None, state(group, ("code", "name_vi", "name_en")))
    db.session.commit()
    return group
