"""Agencies (a tree: the city, its departments and wards, districts where a province keeps them) and services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import db
from survey.models.base import utcnow

AGENCY_KINDS = ("department", "district", "ward", "city", "other")  # the first is the form's default
# Which kinds of agency may sit directly under which: the parent picker offers only these, and the
# form refuses others. Since July 2025 Vietnam has two levels: the city (or province) holds its
# departments and its wards and communes ("ward" is any commune-level unit); a ward may still sit
# under a district for a province configured with one.
PARENT_KINDS = {
    "city": (),
    "department": ("city",),
    "district": ("city",),
    "ward": ("city", "district"),
    "other": ("city", "department", "district", "other"),
}


class Agency(db.Model):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    peer_group: Mapped[str] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class PeerGroup(db.Model):
    """A league of agencies ranked against each other, chosen from a list instead of typed.

    ``Agency.peer_group`` stores the code; the names are what officials and the public read.
    """

    __tablename__ = "peer_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi


def subtrees(root_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    """Each given agency (every agency by default) with all its descendants, in one recursive query.

    The one definition of "an agency's subtree": what a manager sees, what a key covers,
    whom a publication notifies.
    """
    roots = select(Agency.id.label("root"), Agency.id.label("id"))
    if root_ids is not None:
        roots = roots.where(Agency.id.in_(list(root_ids)))
    tree = roots.cte("tree", recursive=True)
    tree = tree.union_all(select(tree.c.root, Agency.id).where(Agency.parent_id == tree.c.id))
    found: dict[int, set[int]] = defaultdict(set)
    for root, agency_id in db.session.execute(select(tree.c.root, tree.c.id)):
        found[root].add(agency_id)
    return dict(found)


def subtree_ids(root_id: int) -> set[int]:
    """The agency and all its descendants."""
    return subtrees([root_id]).get(root_id, set())


class Service(db.Model):
    """An administrative procedure; ``category`` groups services for case-mix adjustment."""

    __tablename__ = "service"
    __table_args__ = (CheckConstraint("committed_days >= 0", name="committed_days_nonneg"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(64), index=True)
    committed_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi

    def __repr__(self) -> str:
        return f"<Service {self.code}>"
