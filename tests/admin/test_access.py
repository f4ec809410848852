"""Security bars for /admin: every route × every role, CSRF on every POST, no caching.

The table below is checked against the app's URL map, so a new admin route that is not
listed here (and therefore not proven to refuse managers and viewers) fails the suite.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from survey import create_app
from survey.extensions import db
from survey.models import Agency, ApiKey, OutboxMessage, Service, User
from survey.questions import active_question_set
from tests import factories
from tests.actions import csrf_from, signed_in
from tests.admin.helpers import audit_count
from tests.conftest import IsolatedClient

ROUTES = [
    ("GET", "/admin/"),
    ("GET", "/admin/agencies"),
    ("GET", "/admin/agencies/new"),
    ("POST", "/admin/agencies/new"),
    ("GET", "/admin/agencies/{agency}/edit"),
    ("POST", "/admin/agencies/{agency}/edit"),
    ("POST", "/admin/agencies/{agency}/deactivate"),
    ("GET", "/admin/services"),
    ("GET", "/admin/services/new"),
    ("POST", "/admin/services/new"),
    ("GET", "/admin/services/{service}/edit"),
    ("POST", "/admin/services/{service}/edit"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{user}/edit"),
    ("POST", "/admin/users/{user}/edit"),
    ("POST", "/admin/users/{user}/reset-password"),
    ("GET", "/admin/api-keys"),
    ("GET", "/admin/api-keys/new"),
    ("POST", "/admin/api-keys/new"),
    ("POST", "/admin/api-keys/{key}/revoke"),
    ("POST", "/admin/api-keys/{key}/revoke-and-hold"),
    ("GET", "/admin/questions"),
    ("GET", "/admin/questions/{qset}"),
    ("GET", "/admin/questions/new"),
    ("POST", "/admin/questions/new"),
    ("GET", "/admin/schedule"),
    ("POST", "/admin/schedule/publish"),
    ("GET", "/admin/import/agencies"),
    ("POST", "/admin/import/agencies"),
    ("POST", "/admin/import/agencies/confirm"),
    ("GET", "/admin/import/services"),
    ("POST", "/admin/import/services"),
    ("POST", "/admin/import/services/confirm"),
    ("GET", "/admin/import/users"),
    ("POST", "/admin/import/users"),
    ("POST", "/admin/import/users/confirm"),
    ("GET", "/admin/cases/upload"),
    ("POST", "/admin/cases/upload"),
    ("GET", "/admin/cases/invitations"),
    ("GET", "/admin/cases/invitations/sheet"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit.csv"),
    ("GET", "/admin/peer-groups"),
    ("POST", "/admin/peer-groups"),
    ("GET", "/admin/privacy"),
    ("GET", "/admin/privacy/register"),
    ("POST", "/admin/privacy/requests/1/acknowledge"),
]
POSTS = [(method, path) for method, path in ROUTES if method == "POST"]


ROLES = [
    "anonymous",
    "inactive admin",
    "manager",
    "viewer",
    "manager of another agency",
    "viewer of the whole city",
]
EXPECTED = {"anonymous": 302, "inactive admin": 302} | dict.fromkeys(ROLES[2:], 403)


@pytest.fixture(scope="module")
def world(postgres_url, tmp_path_factory) -> Iterator[dict]:
    """One app and database for the whole refusal matrix: refused requests change nothing, so sharing is safe."""
    url = postgres_url or f"sqlite:///{tmp_path_factory.mktemp('access') / 'access.sqlite3'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        factories.small_city()
        admin = factories.user("admin@example.gov.vn", "admin")
        sessions = {role: _session_for(app, role) for role in ["admin", *ROLES[1:]]}
        factories.api_key(("Q1",))
        qset = active_question_set()
        db.session.commit()
        targets = {
            "agency": db.session.scalar(select(Agency.id).where(Agency.code == "Q1")),
            "service": db.session.scalar(select(Service.id).where(Service.code == "HT-KHAISINH")),
            "user": admin.id,
            "key": db.session.scalar(select(ApiKey.id)),
            "qset": qset.id,
        }
        yield {"app": app, "targets": targets, "sessions": sessions}
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _session_for(app, role: str) -> str:
    """The session cookie a member of staff gets from the sign-in form (a deactivated admin: before deactivation)."""
    if role == "admin":
        email = "admin@example.gov.vn"
    elif role == "inactive admin":
        email = factories.user("gone@example.gov.vn", "admin").email
    else:
        base, _, scope = role.partition(" of ")
        agency = {"another agency": "Q3", "the whole city": "SO-TP"}.get(scope, "Q1")
        email = factories.user(f"{role.replace(' ', '-')}@example.gov.vn", base, agency).email
    cookie = signed_in(app.test_client(), email).get_cookie("session").value
    if role == "inactive admin":
        user = db.session.scalar(select(User).where(User.email == email))
        user.active = False
        db.session.commit()
    return cookie


def client_for(world: dict, role: str):
    """A fresh client carrying the role's signed-in session (as a browser restoring its cookie)."""
    client = world["app"].test_client()
    if role != "anonymous":
        client.set_cookie("session", world["sessions"][role])
    return client


def unchanged(world: dict) -> bool:
    """Nothing a refused request could have done: no audit entry, no mail, no revoked key, no deactivation."""
    return (
        audit_count() == 0
        and db.session.scalar(select(OutboxMessage.id)) is None
        and db.session.get(ApiKey, world["targets"]["key"]).active
        and db.session.get(Agency, world["targets"]["agency"]).active
    )


def send(client, method: str, path: str, with_csrf: bool = True):
    if method == "GET":
        return client.get(path, buffered=True)  # streamed CSV exports are read whole
    # The sign-out form of /manage/ carries the session's token; signed-out visitors land on sign-in.
    data = {"csrf_token": csrf_from(client.get("/manage/", follow_redirects=True).text)} if with_csrf else {}
    return client.post(path, data=data)


def test_every_admin_route_is_in_the_table(world):
    app = world["app"]
    adapter = app.url_map.bind("localhost")
    covered = {(adapter.match(path.format(**world["targets"]), method)[0], method) for method, path in ROUTES}
    registered = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert registered == covered


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_only_admins_get_in(world, role, method, path):
    """Signed-out (or deactivated) visitors go to sign-in; managers and viewers of any agency get 403."""
    response = send(client_for(world, role), method, path.format(**world["targets"]))
    assert response.status_code == EXPECTED[role]
    if EXPECTED[role] == 302:
        assert response.headers["Location"].startswith("/auth/sign-in")
    assert unchanged(world)


@pytest.mark.parametrize(("method", "path"), POSTS)
def test_posts_without_a_csrf_token_are_refused(world, method, path):
    client = client_for(world, "admin")
    response = send(client, method, path.format(**world["targets"]), with_csrf=False)
    assert response.status_code == 400
    assert unchanged(world)


def test_a_forged_csrf_token_is_refused(world):
    client = client_for(world, "admin")
    path = f"/admin/agencies/{world['targets']['agency']}/deactivate"
    assert client.post(path, data={"csrf_token": "forged"}).status_code == 400
    assert unchanged(world)


def test_the_audit_log_has_no_write_routes(world):
    rules = [rule for rule in world["app"].url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert rules and all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)
