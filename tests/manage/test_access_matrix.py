"""Routes × roles: who may read and change what under /manage.

Roles: anonymous; viewer and manager of Quận 1 (district, with ward Q1-BN); manager of
Quận 3 ("other", a different subtree); admin. Every id in the table belongs to Quận 1's
subtree, so "other" must get 404 wherever an id appears (URL, form field or export filter),
as if it did not exist. Viewers read but never change (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from tests.actions import csrf_token, sign_in


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # formatted with the world's ids
    data: tuple = ()  # form fields (formatted too)
    scoped: bool = True  # carries an id of Quận 1's subtree
    viewer_may: bool = True  # a GET a viewer may open (False for forms that only create)
    review: bool = False  # deciding a plan: never by the manager who filed it (Quận 1's here)


DUE = (date.today() + timedelta(days=30)).isoformat()
PLAN_FIELDS = (
    ("agency", "{Q1-BN}"),
    ("what", "Thêm quầy"),
    ("target", "85% hài lòng"),
    ("measure", "Tỷ lệ hài lòng hằng tháng"),
    ("owner", "Tổ một cửa"),
    ("due_on", DUE),
)
ROUTES = [
    Route("dashboard", "GET", "/manage/", scoped=False),
    Route("dashboard for a ward", "GET", "/manage/?agency={Q1-BN}"),
    Route("inbox", "GET", "/manage/inbox", scoped=False),
    Route("inbox filtered by agency", "GET", "/manage/inbox?agency={Q1-BN}"),
    Route("export", "GET", "/manage/inbox/export.csv", scoped=False),
    Route("export filtered by agency", "GET", "/manage/inbox/export.csv?agency={Q1-BN}"),
    Route("comment", "GET", "/manage/inbox/{comment}"),
    Route("plans", "GET", "/manage/plans", scoped=False),
    Route("plans of a ward", "GET", "/manage/plans?agency={Q1-BN}"),
    Route("new plan form", "GET", "/manage/plans/new?agency={Q1-BN}", viewer_may=False),
    Route("plan", "GET", "/manage/plans/{plan}"),
    Route("triage", "POST", "/manage/inbox/{comment}", (("status", "acknowledged"),)),
    Route("bulk", "POST", "/manage/inbox/bulk", (("ids", "{comment}"), ("action", "dismissed"))),
    Route(
        "file plan",
        "POST",
        "/manage/plans/new",
        PLAN_FIELDS,
    ),
    Route("plans to review", "GET", "/manage/plans/review", scoped=False, viewer_may=False),
    Route("change plan form", "GET", "/manage/plans/{plan}/edit", viewer_may=False),
    Route("change plan", "POST", "/manage/plans/{plan}/edit", PLAN_FIELDS),
    Route("review plan", "POST", "/manage/plans/{plan}/review", (("decision", "publish"),), review=True),
    Route("plan progress", "POST", "/manage/plans/{plan}/progress", (("status", "in_progress"), ("note", "Đã lắp"))),
]
ROLES = ("anonymous", "viewer", "manager", "other", "admin")


def expected_status(role: str, route: Route) -> int:
    changes = route.method == "POST"
    if role == "anonymous":
        return 302  # to sign-in
    if role == "viewer" and (changes or not route.viewer_may):
        return 403
    if role == "other" and route.scoped:
        return 404
    if role == "manager" and route.review:
        return 403
    return 303 if changes else 200


def fill(text: str, world) -> str:
    values = {"comment": world.q1_comment, "plan": world.q1_plan, **world.ids}
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def request_as(client, world, role: str, route: Route):
    if role != "anonymous":
        assert sign_in(client, getattr(world.staff, role).email).status_code == 303
    path = fill(route.path, world)
    if route.method == "GET":
        return client.get(path, buffered=True)  # consume streamed bodies inside the request
    token = csrf_token(client, "/auth/sign-in" if role == "anonymous" else "/manage/")
    data = [(key, fill(value, world)) for key, value in route.data] + [("csrf_token", token)]
    return client.post(path, data=MultiDict(data))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_route_by_role(client, world, route, role):
    response = request_as(client, world, role, route)
    assert response.status_code == expected_status(role, route), response.get_data(as_text=True)[:500]
    if role == "anonymous":
        assert response.headers["Location"].startswith("/auth/sign-in?next=")


def test_every_manage_route_is_in_the_table(app):
    """A new /manage route must be added to ROUTES (and so to this matrix)."""
    covered = {(r.method, r.path.split("?")[0]) for r in ROUTES}
    rules = {
        (method, rule.rule.replace("<int:response_id>", "{comment}").replace("<int:plan_id>", "{plan}"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/manage")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert rules <= covered, rules - covered
