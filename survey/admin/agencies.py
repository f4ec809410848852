"""Agencies: the tree for display, parent choices that cannot form a cycle, audited create and edit.

Agencies are never deleted: cases, responses and published snapshots point at them, so an
agency that stops existing is deactivated (intake then refuses its cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from survey.admin.trail import actor, record_change, state
from survey.audit import record
from survey.extensions import db
from survey.manage.inbox import LIKE_ESCAPE, escape_like
from survey.models import Agency
from survey.models.agency import AGENCY_KINDS, PARENT_KINDS, subtree_ids


@dataclass
class TreeNode:
    agency: Agency
    children: list[TreeNode] = field(default_factory=list)


def agency_state(agency: Agency) -> dict[str, Any]:
    data = state(agency, ("code", "name_vi", "name_en", "kind", "peer_group", "active"))
    data["parent_code"] = agency.parent.code if agency.parent else None
    return data


def agency_tree() -> dict[str, list[TreeNode]]:
    """Top-level agencies grouped by kind, each with its descendants; two queries' worth of work."""
    agencies = db.session.scalars(select(Agency).order_by(Agency.code)).all()
    nodes = {agency.id: TreeNode(agency) for agency in agencies}
    roots: dict[str, list[TreeNode]] = {kind: [] for kind in AGENCY_KINDS}
    for agency in agencies:
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        if parent is not None:
            parent.children.append(nodes[agency.id])
        else:
            roots.setdefault(agency.kind, []).append(nodes[agency.id])
    return {kind: items for kind, items in roots.items() if items}


def search_agencies(text: str, limit: int = 200) -> list[Agency]:
    """Agencies whose code or Vietnamese or English name contains ``text`` (any case), by code."""
    pattern = f"%{escape_like(text.lower())}%"
    columns = (Agency.code, Agency.name_vi, Agency.name_en)
    matches = [func.lower(column).like(pattern, escape=LIKE_ESCAPE) for column in columns]
    query = select(Agency).where(or_(*matches)).order_by(Agency.code).limit(limit)
    return list(db.session.scalars(query))


def parent_choices(editing: Agency | None = None) -> list[tuple[int, str]]:
    """Every agency that may be the parent: never the agency itself or one of its descendants."""
    excluded = subtree_ids(editing.id) if editing is not None else set()
    rows = db.session.execute(select(Agency.id, Agency.code, Agency.name_vi).order_by(Agency.code))
    return [(row.id, f"{row.code} · {row.name_vi}") for row in rows if row.id not in excluded]


def possible_parents(editing: Agency | None = None) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """Agencies of a kind that may hold another (never wards in the two-level city), and each one's kind.

    The picker then lists tens of departments and districts, not every ward of the city.
    """
    holders = {kind for kinds in PARENT_KINDS.values() for kind in kinds}
    excluded = subtree_ids(editing.id) if editing is not None else set()
    query = select(Agency.id, Agency.code, Agency.name_vi, Agency.kind).where(Agency.kind.in_(holders))
    rows = [row for row in db.session.execute(query.order_by(Agency.code)) if row.id not in excluded]
    return [(row.id, f"{row.code} · {row.name_vi}") for row in rows], {row.id: row.kind for row in rows}


def code_taken(code: str, model: type = Agency) -> bool:
    """Codes differ by more than case: "q1" next to "Q1" would only confuse integrators."""
    return db.session.scalar(select(model.id).where(func.lower(model.code) == code.lower())) is not None


def create_agency(values: dict[str, Any]) -> Agency:
    agency = add_agency(values)
    db.session.commit()
    return agency


def add_agency(values: dict[str, Any]) -> Agency:
    """Stage an agency and its audit entry in the current transaction."""
    agency = Agency(
        code=values["code"],
        name_vi=values["name_vi"],
        name_en=values["name_en"],
        kind=values["kind"],
        parent_id=values["parent_id"],
        peer_group=values["peer_group"],
        active=values["active"],
    )
    db.session.add(agency)
    db.session.flush()
    db.session.refresh(agency, ["parent"])
    record(actor(), "agency.create", f"agency:{agency.id}", None, agency_state(agency))
    return agency


def update_agency(agency: Agency, values: dict[str, Any]) -> bool:
    """Apply the form's values; the code stays fixed (integrations and snapshots refer to it)."""
    before = agency_state(agency)
    for name in ("name_vi", "name_en", "kind", "parent_id", "peer_group", "active"):
        setattr(agency, name, values[name])
    db.session.flush()
    db.session.refresh(agency, ["parent"])
    changed = record_change("agency.update", f"agency:{agency.id}", before, agency_state(agency))
    db.session.commit()
    return changed


def deactivate_agency(agency: Agency) -> bool:
    if not agency.active:
        return False
    agency.active = False
    record(actor(), "agency.deactivate", f"agency:{agency.id}", {"active": True}, {"active": False})
    db.session.commit()
    return True
