"""Staff of the small city: managers and viewers of Quận 1 (district + wards), a manager of
Quận 3 (another subtree), a ward manager and an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey.manage.plans import PlanContent, file_plan
from survey.models import Agency, User
from tests import factories
from tests.actions import signed_in


@dataclass
class Staff:
    manager: User  # Quận 1 and its wards
    viewer: User  # Quận 1, read-only
    other: User  # manager of Quận 3
    ward: User  # manager of ward Q1-BN only
    admin: User


@pytest.fixture
def staff(city) -> Staff:
    return Staff(
        manager=factories.user("manager@q1.example", "manager", "Q1"),
        viewer=factories.user("viewer@q1.example", "viewer", "Q1"),
        other=factories.user("manager@q3.example", "manager", "Q3"),
        ward=factories.user("manager@q1-bn.example", "manager", "Q1-BN"),
        admin=factories.user("admin@city.example", "admin"),
    )


@pytest.fixture
def as_user(client, staff):
    """``as_user("manager")`` signs the client in as that member of staff."""

    def act(role: str):
        return signed_in(client, getattr(staff, role).email)

    return act


@dataclass
class World:
    staff: Staff
    q1_comment: int  # a comment in ward Q1-BN (Quận 1's subtree)
    q3_comment: int  # a comment in ward Q3-P1 (Quận 3's subtree)
    q1_plan: int
    q3_plan: int
    ids: dict[str, int]  # agency code -> id


def plan(what: str, owner: str, due: date) -> PlanContent:
    return PlanContent(what=what, target="85% hài lòng", measure="Tỷ lệ hài lòng hằng tháng", owner=owner, due_on=due)


@pytest.fixture
def world(db, staff) -> World:
    ids = dict(db.session.execute(select(Agency.code, Agency.id)).all())
    q1 = factories.comment("Q1-BN", "Phải chờ hai tiếng ở quầy tiếp nhận")
    q3 = factories.comment("Q3-P1", "Cán bộ hướng dẫn rất tận tình", overall=5)
    due = date.today() + timedelta(days=60)
    ward_q1, ward_q3 = db.session.get(Agency, ids["Q1-BN"]), db.session.get(Agency, ids["Q3-P1"])
    plan1 = file_plan(ward_q1, staff.manager, plan("Thêm quầy tiếp nhận", "Tổ một cửa", due))
    plan3 = file_plan(ward_q3, staff.other, plan("Mở thêm giờ làm việc", "UBND phường", due))
    return World(staff, q1.id, q3.id, plan1.id, plan3.id, ids)
