"""The citizen's fast lane (survey/citizen/fastlane.py) against the view it stands in for.

Each test drives the real app over WSGI; "the view" is the same app built with
CITIZEN_FAST_LANE off. The lane must answer exactly as the view would, store exactly what
the view stores, accept only what WTForms accepts, and hand everything else to the view.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text
from werkzeug.datastructures import MultiDict

from survey import create_app
from survey.citizen.fastlane import plain_answers
from survey.citizen.forms import survey_form_class
from survey.citizen.routes import submitted_answers, submitted_comment
from survey.models import Answer, Response
from survey.questions import survey_question_set
from tests import factories
from tests.actions import answers, csrf_from
from tests.conftest import IsolatedClient

PER_RESPONSE = {"X-Request-ID", "Date", "Content-Length"}


def build(database_url: str, lane: bool, **overrides):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "CITIZEN_FAST_LANE": lane, **overrides})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def lane_app(app, city, database_url):
    return build(database_url, True)


@pytest.fixture
def view_app(app, city, database_url):
    return build(database_url, False)


def lane_of(app):
    return app.extensions["citizen_fast_lane"]


def comparable(response) -> tuple[int, dict, bytes]:
    headers = {k: v for k, v in response.headers.items() if k not in PER_RESPONSE}
    return response.status_code, headers, response.get_data()


def test_first_view_is_the_views_page_with_the_views_headers(lane_app, view_app):
    tokens = [factories.issue_link(f"FL-{i}") for i in range(3)]
    lane, view = lane_app.test_client(), view_app.test_client()
    lane.get(f"/s/{tokens[0]}")  # the lane learns the page from the view's first answer
    for token in tokens[1:]:
        ours, theirs = lane.get(f"/s/{token}"), view.get(f"/s/{token}")
        assert comparable(ours) == comparable(theirs)
        assert ours.headers["X-Request-ID"] != theirs.headers["X-Request-ID"]
        assert "Set-Cookie" not in ours.headers and "Set-Cookie" not in theirs.headers  # no session
        assert "Content-Security-Policy" in ours.headers
    assert lane_of(lane_app).served["GET"] == 2


def test_english_first_view_matches_too(lane_app, view_app):
    tokens = [factories.issue_link(f"FL-EN-{i}") for i in range(2)]
    lane, view = lane_app.test_client(), view_app.test_client()
    for client in (lane, view):
        client.set_cookie("lang", "en")
    lane.get(f"/s/{tokens[0]}")
    ours, theirs = lane.get(f"/s/{tokens[1]}"), view.get(f"/s/{tokens[1]}")
    assert comparable(ours) == comparable(theirs) and '<html lang="en">' in ours.get_data(as_text=True)
    assert lane_of(lane_app).served["GET"] == 1


def stored_rows(db):
    db.session.remove()
    rows = db.session.execute(select(Response).order_by(Response.id)).scalars()
    ignored = {"id", "link_hash", "device_hash"}
    out = []
    for row in rows:
        fields = {c.key: getattr(row, c.key) for c in Response.__table__.c if c.key not in ignored}
        values = db.session.execute(
            select(Answer.question_id, Answer.value).where(Answer.response_id == row.id).order_by(Answer.question_id)
        ).all()
        out.append((fields, [tuple(v) for v in values]))
    return out


def post_answers(client, token, **overrides):
    page = client.get(f"/s/{token}")
    data = answers(**overrides) | {"csrf_token": csrf_from(page.get_data(as_text=True))}
    return client.post(f"/s/{token}", data=data)


def test_a_plain_submission_is_stored_exactly_as_the_view_stores_it(lane_app, view_app, db):
    lane, view = lane_app.test_client(), view_app.test_client()
    assert post_answers(lane, factories.issue_link("FL-LEARN")).status_code == 303  # learns the redirect
    db.session.execute(Answer.__table__.delete())
    db.session.execute(Response.__table__.delete())
    db.session.commit()
    given = {"overall": "2", "ease": "1", "visits": "3", "comment": "Gọi 0903 123 456 nhé", "helped": "yes"}
    ours = post_answers(lane, factories.issue_link("FL-A"), **given)
    theirs = post_answers(view, factories.issue_link("FL-B"), **given)
    assert comparable(ours) == comparable(theirs)
    assert ours.status_code == 303 and lane_of(lane_app).served["POST"] == 1
    lane_row, view_row = stored_rows(db)
    assert lane_row == view_row
    assert "0903" not in lane_row[0]["comment"]  # scrubbed on both paths


def test_what_the_lane_cannot_answer_goes_to_the_view(lane_app, db):
    client = lane_app.test_client()
    assert post_answers(client, factories.issue_link("FL-L")).status_code == 303
    token = factories.issue_link("FL-BAD")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    csrf = csrf_from(page)
    form = "application/x-www-form-urlencoded"
    cases = [
        (answers() | {"csrf_token": "forged"}, 422),  # wrong CSRF: the form again, with the message
        (answers(overall="9") | {"csrf_token": csrf}, 422),  # not an option shown
        ({k: v for k, v in answers().items() if k != "overall"} | {"csrf_token": csrf}, 422),  # required missing
        (answers(comment="x" * 5000) | {"csrf_token": csrf}, 422),  # comment too long
        (answers() | {"csrf_token": csrf, "switch_language": "en"}, 200),  # the language button
    ]
    for data, status in cases:
        assert client.post(f"/s/{token}", data=data).status_code == status, data
    bodies = [
        (b"overall=5&overall=1&csrf_token=" + csrf.encode(), 303),  # repeated: WTForms takes the first
        (b"overall=%ff&csrf_token=" + csrf.encode(), 422),  # not UTF-8
        (b"\x00\xff" * 10, 422),
    ]
    assert client.post(f"/s/{token}", data=bodies[1][0], content_type=form).status_code == 422
    assert client.post(f"/s/{token}", data=bodies[2][0], content_type=form).status_code == 422
    assert client.post(f"/s/{token}", data=urlencode(answers()), content_type="text/plain").status_code == 422
    assert lane_of(lane_app).served["POST"] == 0
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1  # only the learning one
    assert client.post(f"/s/{token}", data=bodies[0][0], content_type=form).status_code == 303
    # A used link: the lane tries, the database refuses, the view explains.
    replay = client.post(f"/s/{token}", data=answers() | {"csrf_token": csrf})
    assert replay.status_code == 409
    assert client.get("/s/not-a-token").status_code == 404


def test_rate_limits_count_each_post_once_on_either_path(app, city, database_url):
    limited = build(
        database_url,
        True,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_SURVEY_TOKEN="3 per hour",
    )
    client = limited.test_client()
    token = factories.issue_link("FL-RL")
    data = answers() | {"csrf_token": csrf_from(client.get(f"/s/{token}").get_data(as_text=True))}
    # The view (the lane learns the redirect), then the lane twice (answered already: it hands
    # the POST to the view, which explains), then the limit: three tries, each counted once.
    statuses = [client.post(f"/s/{token}", data=data).status_code for _ in range(4)]
    assert statuses == [303, 409, 409, 429]


def test_lane_requests_get_an_access_line_with_their_request_id(lane_app, caplog):
    client = lane_app.test_client()
    tokens = [factories.issue_link(f"FL-LOG-{i}") for i in range(2)]
    client.get(f"/s/{tokens[0]}")
    with caplog.at_level(logging.INFO, logger="survey.access"):
        reply = client.get(f"/s/{tokens[1]}")
    [line] = [r for r in caplog.records if r.name == "survey.access"]
    assert line.request_id == reply.headers["X-Request-ID"] and tokens[1] not in line.getMessage()
    assert line.http["status"] == 200 and line.http["path"] == "/s/[token]"


def test_a_dropped_database_connection_costs_one_request_the_view(lane_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the kept raw connection is PostgreSQL's")
    client = lane_app.test_client()
    tokens = [factories.issue_link(f"FL-DROP-{i}") for i in range(3)]
    client.get(f"/s/{tokens[0]}")
    assert client.get(f"/s/{tokens[1]}").status_code == 200
    kept = lane_of(lane_app)._raw_lane[0]._local.kept
    pid = kept.driver_connection.info.backend_pid
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    served = lane_of(lane_app).served["GET"]
    assert client.get(f"/s/{tokens[2]}").status_code == 200  # the view answered it
    assert lane_of(lane_app).served["GET"] == served
    assert client.get(f"/s/{tokens[2]}").status_code == 200  # and the lane is back
    assert lane_of(lane_app).served["GET"] == served + 1


def test_threads_and_an_engine_disposal_mid_traffic(lane_app, db):
    """A threaded server (browser tests, gthread) with the engine disposed under it: every
    request is still answered, by the lane or the view, and the lane works afterwards."""
    tokens = [factories.issue_link(f"FL-T-{i}") for i in range(24)]
    lane_app.test_client().get(f"/s/{tokens[0]}")

    def open_links(chunk: list[str]) -> list[int]:
        client = lane_app.test_client()
        return [client.get(f"/s/{token}").status_code for token in chunk]

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(open_links, tokens[i::4]) for i in range(4)]
        with lane_app.app_context():
            db.engine.dispose()
        statuses = [status for future in futures for status in future.result()]
    assert statuses == [200] * len(tokens)
    served = lane_of(lane_app).served["GET"]
    assert lane_app.test_client().get(f"/s/{tokens[1]}").status_code == 200
    assert lane_of(lane_app).served["GET"] == served + 1


# -- accept-only: whatever the lane accepts, WTForms accepts with the same answers ---------

OPTION_TEXT = st.sampled_from(["", "0", "1", "2", "3", "4", "5", "6", " 5", "5 ", "yes", "no", "x", "١"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["overall", "ease", "timeliness", "courtesy", "fairness", "outcome", "visits", "complaint", "helped", "x"]
        ),
        OPTION_TEXT,
    ),
    comment=st.one_of(st.none(), st.text(max_size=40), st.text(min_size=1995, max_size=2005, alphabet="ab\r\n")),
)
def test_the_lane_accepts_nothing_wtforms_refuses(app, city, fields, comment):
    qset = survey_question_set()
    form_data = dict(fields)
    if comment is not None:
        form_data["comment"] = comment
    lane_view = plain_answers(qset, form_data, app.config["COMMENT_MAX_CHARS"])
    with app.test_request_context(
        "/s/x", method="POST", data=urlencode(form_data), content_type="application/x-www-form-urlencoded"
    ):
        form = survey_form_class(qset, "vi")(formdata=MultiDict(form_data), meta={"csrf": False})
        valid = form.validate()
        if lane_view is not None:
            assert valid, form.errors
            assert lane_view == (submitted_answers(form, qset), submitted_comment(form, qset))
