"""The demo city: shape, determinism, monthly coverage and scrubbed comments."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Integer, func, select

from survey import create_app
from survey.demo import DEMO_LOGINS, WORST_WARD_CODE, database_is_empty, load_demo
from survey.demo.data import WORST_DEPARTMENT_CODE
from survey.extensions import db
from survey.models import Agency, Answer, Case, Invitation, Response, Service, User
from survey.tokens import response_link_hash, token_for_salt
from tests.conftest import DEMO_NOW as NOW
from tests.conftest import DemoCity

CITY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DIGIT_RUN = re.compile(r"(?:\d[\s.\-()/]?){8}\d")


def quiet(*_args) -> None:
    """Swallow progress lines."""


def city_month(moment: datetime) -> str:
    return f"{moment.replace(tzinfo=UTC).astimezone(CITY_TZ):%Y-%m}"


def test_city_shape(demo: DemoCity):
    """Two levels since July 2025: the city holds its departments and 168 commune-level units."""
    kinds = Counter(db.session.scalars(select(Agency.kind)))
    assert kinds["city"] == 1 and kinds["district"] == 0
    assert kinds["ward"] == 168
    assert 15 <= kinds["department"] <= 20
    assert 28 <= db.session.scalar(select(func.count()).select_from(Service)) <= 40
    agencies = db.session.scalars(select(Agency)).all()
    assert all(a.peer_group == a.kind for a in agencies)
    [city] = [a for a in agencies if a.kind == "city"]
    assert all(a.parent is city for a in agencies if a is not city)
    prefixes = Counter(a.name_vi.split()[0] for a in agencies if a.kind == "ward")
    assert prefixes == {"Phường": 113, "Xã": 54, "Đặc": 1}
    names = {a.name_vi: a for a in agencies}
    # Units as the 2025 resolution named them, e.g. the four wards of the former District 1.
    for ward in ("Phường Sài Gòn", "Phường Tân Định", "Phường Bến Thành", "Phường Cầu Ông Lãnh", "Đặc khu Côn Đảo"):
        assert ward in names
    assert names["Phường Sài Gòn"].name_en == "Sai Gon Ward"
    assert not any(a.name_vi.startswith(("Quận", "Huyện", "Thị trấn")) for a in agencies)
    # Post-merger departments only: no Planning and Investment, no Transport, no Labour.
    assert {"Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Sở Nội vụ"} <= set(names)
    assert not {"Sở Kế hoạch và Đầu tư", "Sở Giao thông vận tải", "Sở Lao động - Thương binh và Xã hội"} & set(names)
    assert not database_is_empty()
    assert "no districts, 168 commune-level units (113 wards, 54 communes, 1 special zone)" in demo.summary


def test_a_province_may_keep_a_district_level():
    """The hierarchy is data: an area with a district becomes an agency holding its units."""
    import numpy as np

    from survey.demo.generator import _area_specs
    from survey.demo.places import Area

    area = Area("a district", 1.0, ("Phường Một", "Xã Hai"), district=("H-MOT", "Huyện Một", "One District"))
    specs = _area_specs(area, "TINH", set(), np.random.default_rng(1))
    assert [(s.code, s.kind, s.parent_code) for s in specs] == [
        ("H-MOT", "district", "TINH"),
        ("P-MOT", "ward", "H-MOT"),
        ("X-HAI", "ward", "H-MOT"),
    ]


def test_every_month_has_cases_and_responses(demo: DemoCity):
    cases = db.session.scalar(select(func.count()).select_from(Case))
    invited = db.session.scalar(select(func.count()).select_from(Invitation))
    # Only the planted "dry" ward (survey/demo/schemes.py) leaves closed cases uninvited.
    uninvited = set(db.session.scalars(select(Case.agency_id).where(~Case.invitation.has())))
    assert len(uninvited) == 1 and 0 < cases - invited < 0.05 * cases
    months = Counter(city_month(m) for m in db.session.scalars(select(Response.submitted_at)))
    assert set(months) == {"2026-03", "2026-04", "2026-05"}
    assert all(count > 100 for count in months.values())
    # Responses come after their case and before the link expires; none lies in the future.
    # A response names no invitation: the server's key recomputes each link's hash to pair them.
    invitations = {
        response_link_hash(token_for_salt(salt)): (completed, expires)
        for salt, completed, expires in db.session.execute(
            select(Invitation.token_salt, Case.completed_at, Invitation.expires_at).join(
                Case, Case.id == Invitation.case_id
            )
        )
    }
    rows = [
        (invitations[link][0], sent, invitations[link][1])
        for link, sent in db.session.execute(select(Response.link_hash, Response.submitted_at))
    ]
    assert all(done < sent < expires for done, sent, expires in rows)
    assert max(sent for _, sent, _ in rows) <= NOW.replace(tzinfo=None)
    # Some cases are late, most are not.
    late = db.session.scalar(select(func.count()).select_from(Case).where(Case.completed_at > Case.due_at))
    assert 0.03 < late / cases < 0.3


def test_answers_are_plausible(demo: DemoCity):
    overall = Counter(db.session.scalars(select(Response.overall)))
    answered = sum(n for value, n in overall.items() if value is not None)
    assert set(overall) <= {None, 1, 2, 3, 4, 5}
    assert 0.01 < overall[None] / (answered + overall[None]) < 0.06
    satisfied = (overall[4] + overall[5]) / answered
    assert 0.8 < satisfied < 0.95
    assert db.session.scalar(select(func.count()).select_from(Answer)) > 4 * answered
    # Driver answers belong to stored responses.
    orphan = select(func.count()).select_from(Answer).where(~Answer.response_id.in_(select(Response.id)))
    assert db.session.scalar(orphan) == 0


def test_comments_are_scrubbed(demo: DemoCity):
    comments = db.session.scalars(select(Response.comment).where(Response.comment.is_not(None))).all()
    assert comments
    assert not [c for c in comments if "@" in c or DIGIT_RUN.search(c)]
    assert any("[***]" in c for c in comments)


def test_worst_ward_and_department_are_material_and_have_a_manager(demo: DemoCity):
    for kind, worst in (("ward", WORST_WARD_CODE), ("department", WORST_DEPARTMENT_CODE)):
        rows = db.session.execute(
            select(Agency.code, func.count(Response.overall), func.sum((Response.overall >= 4).cast(Integer)))
            .join(Response, Response.agency_id == Agency.id)
            .where(Agency.kind == kind)
            .group_by(Agency.code)
        ).all()
        rates = {code: positive / n for code, n, positive in rows if n >= 30}
        assert min(rates, key=rates.get) == worst
    users = {u.email: u for u in db.session.scalars(select(User))}
    for email, role, agency_code in DEMO_LOGINS:
        assert users[email].role == role
        assert (users[email].agency.code if users[email].agency else None) == agency_code
        assert email in demo.summary


def test_refuses_to_load_twice(demo: DemoCity):
    with pytest.raises(RuntimeError):
        load_demo(seed=7, months=0, echo=quiet, now=NOW, scale=0.1)


def test_cli_if_empty_skips_a_loaded_city(demo: DemoCity):
    result = demo.app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert "already loaded" in result.output


def _fingerprint(path, seed: int) -> tuple:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        load_demo(seed=seed, months=1, echo=quiet, now=NOW, scale=0.15)
        counts = tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Agency, Service, Case, Invitation, Response, Answer)
        )
        overall = db.session.scalar(select(func.sum(Response.overall)))
        answers = db.session.scalar(select(func.sum(Answer.value)))
        refs = tuple(db.session.scalars(select(Case.case_ref).order_by(Case.id).limit(50)))
        comments = tuple(db.session.scalars(select(Response.comment).order_by(Response.id)))
        db.session.remove()
        db.engine.dispose()
    return counts, overall, answers, refs, comments


def test_same_seed_same_city(tmp_path):
    first = _fingerprint(tmp_path / "a.sqlite3", seed=11)
    second = _fingerprint(tmp_path / "b.sqlite3", seed=11)
    other = _fingerprint(tmp_path / "c.sqlite3", seed=12)
    assert first == second
    assert first[0][2] > 0 and first[1] > 0
    assert other[1:3] != first[1:3]


def test_a_case_posted_after_the_demo_loads_is_stored(demo: DemoCity):
    """The demo writes explicit ids; PostgreSQL's sequences must be past them (planted schemes included)."""
    from tests import factories

    with demo.app.app_context():
        key = factories.api_key()
        db.session.commit()
        ward = db.session.scalar(select(Agency.code).where(Agency.code == WORST_WARD_CODE))
        service = db.session.scalar(select(Service.code).order_by(Service.id))
        body = {"cases": [factories.case_json("AFTER-DEMO-1", ward, service)]}
        answer = demo.app.test_client().post("/api/v1/cases", json=body, headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 201, answer.get_data(as_text=True)
        case = db.session.scalar(select(Case).where(Case.case_ref == "AFTER-DEMO-1"))
        db.session.delete(case.invitation)
        db.session.delete(case)
        db.session.commit()
        db.session.remove()
