"""The citizen's survey page: what it shows, what it stores, and what it refuses."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Invitation, Response
from survey.models.base import utcnow
from tests import factories
from tests.actions import answers, csrf_from, submit


def responses(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


@pytest.fixture
def token(city):
    return factories.issue_link("HS-42")


def test_form_shows_service_agency_and_case_in_vietnamese(client, token):
    page = client.get(f"/s/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Thủ tục HT-KHAISINH" in html and "Phường Q1-BN" in html and "HS-42" in html
    assert "Rất hài lòng" in html  # "Very satisfied"


def test_form_is_accessible_html(client, token):
    html = client.get(f"/s/{token}").get_data(as_text=True)
    assert html.count("<fieldset") == 9  # overall + 7 drivers + "did someone help you?"
    assert html.count("<legend>") == 9
    # every radio and the text area has a label pointing at it
    import re

    ids = re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html)
    ids = [i for i in ids if i not in ("csrf_token", "submit", "submit-early")]
    assert ids and all(f'for="{i}"' in html for i in ids)
    assert 'name="viewport"' in html
    assert "<script" not in html and "style=" not in html


def test_english_switch(client, token):
    html = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Very satisfied" in html and "Procedure HT-KHAISINH" in html
    # the choice is remembered by cookie
    assert '<html lang="en">' in client.get(f"/s/{token}").get_data(as_text=True)


def test_submission_stores_one_response_with_answers(client, db, token):
    result = submit(client, token, overall="4", visits="2", comment="Cán bộ nhiệt tình")
    assert result.status_code == 303 and result.headers["Location"].endswith("/thanks")
    stored = db.session.scalar(select(Response))
    assert stored.overall == 4 and stored.comment == "Cán bộ nhiệt tình"
    by_key = {a.question.key: a.value for a in db.session.scalars(select(Answer))}
    assert by_key == {"ease": 4, "timeliness": 2, "courtesy": 5, "fairness": 1, "outcome": 1, "visits": 2}
    thanks = client.get(result.headers["Location"])
    assert thanks.status_code == 200


def test_skipped_optional_questions_store_no_answer(client, db, token):
    assert submit(client, token, ease="", visits="", courtesy="").status_code == 303
    stored = db.session.scalar(select(Response))
    assert stored.overall == 5
    assert {a.question.key for a in stored.answers} == {"timeliness", "fairness", "outcome"}


def test_no_answer_is_not_an_option(client, token):
    html = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert "No answer" not in html and 'value="0"' not in html


def test_replayed_token_stores_one_response(client, db, token):
    page = client.get(f"/s/{token}").get_data(as_text=True)
    data = answers(csrf_token=csrf_from(page))
    first = client.post(f"/s/{token}", data=data)
    replay = client.post(f"/s/{token}", data=data)
    assert first.status_code == 303
    assert replay.status_code == 409
    assert "Already answered" in replay.get_data(as_text=True) or "Đã trả lời" in replay.get_data(as_text=True)
    assert responses(db) == 1


def test_two_tabs_store_one_response(app, db, token):
    tabs = [app.test_client(), app.test_client()]
    forms = [tab.get(f"/s/{token}").get_data(as_text=True) for tab in tabs]
    results = [
        tab.post(f"/s/{token}", data=answers(csrf_token=csrf_from(form))) for tab, form in zip(tabs, forms, strict=True)
    ]
    assert sorted(r.status_code for r in results) == [303, 409]
    assert responses(db) == 1


def test_concurrent_submissions_of_one_token_store_exactly_one(app, db, token):
    clients = [app.test_client() for _ in range(8)]
    payloads = [answers(csrf_token=csrf_from(c.get(f"/s/{token}").get_data(as_text=True))) for c in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def go(client, data):
        with app.app_context():
            barrier.wait()
            statuses.append(client.post(f"/s/{token}", data=data).status_code)

    threads = [threading.Thread(target=go, args=pair) for pair in zip(clients, payloads, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(303) == 1
    assert set(statuses) <= {303, 409}
    assert responses(db) == 1


def test_unique_constraint_refuses_a_second_response_row(db, token):
    invitation = db.session.scalar(select(Invitation))
    case = invitation.case
    for _ in range(2):
        db.session.add(
            Response(link_hash="same-link", agency_id=case.agency_id, service_id=case.service_id, question_set_id=1)
        )
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("bad", ["nope", "x" * 22, "A" * 200, "%00", "..%2f..%2fetc", "<script>"])
def test_unknown_links_all_look_the_same(client, db, token, bad):
    response = client.get(f"/s/{bad}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    if "%2f" not in bad:  # a path with slashes matches no survey route at all: a plain 404
        assert "Liên kết không hợp lệ" in html
    assert "<script>" not in html
    post = client.post(f"/s/{bad}", data=answers())
    assert post.status_code == 404
    assert responses(db) == 0


def test_expired_link_says_so_and_stores_nothing(client, db, token):
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/s/{token}?lang=en")
    assert page.status_code == 410 and "Link expired" in page.get_data(as_text=True)
    assert client.post(f"/s/{token}", data=answers()).status_code == 410
    assert responses(db) == 0


def test_missing_csrf_is_refused(client, db, token):
    response = client.post(f"/s/{token}", data=answers())
    assert response.status_code in (400, 422)
    assert responses(db) == 0


@pytest.mark.parametrize(
    "field,value",
    [
        ("overall", "6"),
        ("overall", "-1"),
        ("overall", "abc"),
        ("overall", ""),
        ("visits", "9"),
        ("timeliness", "5"),
        ("overall", "0"),
        ("ease", "' OR 1=1 --"),
        ("comment", "x" * 2001),
    ],
)
def test_invalid_answers_re_show_the_form_and_store_nothing(client, db, token, field, value):
    result = submit(client, token, **{field: value})
    assert result.status_code == 422
    html = result.get_data(as_text=True)
    assert 'role="alert"' in html
    assert responses(db) == 0


def test_comment_is_scrubbed_and_hostile_text_is_not_reflected(client, db, token):
    comment = "Gọi tôi 0903 123 456, mail a.b@example.vn, CCCD 079123456789 <b>ok</b>\u202e"
    submit(client, token, comment=comment)
    stored = db.session.scalar(select(Response)).comment
    assert "0903" not in stored and "@" not in stored and "079123456789" not in stored
    assert "\u202e" not in stored
    assert "<b>ok</b>" in stored  # stored as text; escaped wherever it is shown


def test_ip_and_user_agent_are_not_stored(client, db, token):
    submit(client, token, comment="hello")
    row = db.session.scalar(select(Response))
    values = [str(getattr(row, c.key)) for c in Response.__table__.columns]
    assert not any("127.0.0.1" in v or "werkzeug" in v.lower() for v in values)


def test_survey_page_and_submission_use_few_queries(app, db, token):
    from sqlalchemy import event

    client = app.test_client()
    client.get(f"/s/{token}")  # the question set exists after the first view
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(f"/s/{token}")
        viewed = len(statements)
        client.post(f"/s/{token}", data=answers(csrf_token=csrf_from(page.get_data(as_text=True))))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert viewed <= 4  # link + case + agency + service in one query, then the question set
    assert len(statements) - viewed <= 12


def questions_of(html: str) -> str:
    return html[html.index('<fieldset class="question') : html.index('name="submit"')]


def test_blank_questions_are_drawn_once_per_language_and_match_a_fresh_render(app, client, city):
    first, second = factories.issue_link("HS-BLANK-1"), factories.issue_link("HS-BLANK-2")
    vi = client.get(f"/s/{first}").get_data(as_text=True)
    assert questions_of(client.get(f"/s/{second}").get_data(as_text=True)) == questions_of(vi)
    en = client.get(f"/s/{second}?lang=en").get_data(as_text=True)
    assert "Very satisfied" in questions_of(en) and "Rất hài lòng" in questions_of(vi)
    app.extensions["blank_survey_questions"].clear()
    assert questions_of(client.get(f"/s/{first}?lang=vi").get_data(as_text=True)) == questions_of(vi)


def test_a_re_shown_form_keeps_the_answers_given(client, db, token):
    page = client.get(f"/s/{token}?lang=en")
    data = answers(overall="", courtesy="2")
    data["csrf_token"] = csrf_from(page.get_data(as_text=True))
    again = client.post(f"/s/{token}?lang=en", data=data).get_data(as_text=True)
    assert 'checked id="courtesy-3"' in again and 'aria-invalid="true"' in again
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_the_active_question_set_is_kept_per_worker_until_a_new_version(app, client, db, token):
    from sqlalchemy import event

    from survey.models import Answer
    from survey.questions import create_question_set, forget_survey_question_set, survey_question_set

    app.config["QUESTION_SET_CACHE_SECONDS"] = 60
    first = survey_question_set()
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert survey_question_set() is first and statements == []
    assert submit(client, token).status_code == 303  # answers stored against the kept set's ids
    stored = db.session.scalars(select(Answer)).all()
    assert {a.question_id for a in stored} <= {q.id for q in first.questions} and len(stored) == 6
    from dataclasses import replace

    from survey.models import QuestionSet
    from survey.questions import specs_of

    stored_set = db.session.get(QuestionSet, first.id)
    texts = [replace(spec, text_vi=spec.text_vi + " (v2)") for spec in specs_of(stored_set)]
    create_question_set(first.version + 1, texts, active=True)
    db.session.commit()
    assert survey_question_set() is first  # other workers follow within the cache time
    forget_survey_question_set()  # what saving a new version does in the worker that saved it
    assert survey_question_set().version == first.version + 1


def test_a_first_view_from_the_kept_page_matches_a_fresh_render(app, client, city):
    import re

    from survey.models import Agency

    agency = factories.db.session.scalar(select(Agency).where(Agency.code == "Q1-BN"))
    agency.name_vi = 'Phường <b>"Một"</b> & Co'  # the filled-in values are escaped as the template would
    factories.db.session.commit()
    first, second = factories.issue_link("HS-PAGE-1"), factories.issue_link("HS-PAGE-2")
    mask = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+')

    def page(token: str, query: str = "") -> str:
        return mask.sub(r"\1…", client.get(f"/s/{token}{query}").get_data(as_text=True))

    page(first)  # draws and keeps the skeleton
    assert app.extensions["survey_page_skeletons"]
    kept = page(second)
    assert first not in kept and second in kept
    assert "HS-PAGE-2" in kept and "HS-PAGE-1" not in kept
    assert "&lt;b&gt;&#34;Một&#34;&lt;/b&gt; &amp; Co" in kept and "<b>" not in kept
    app.extensions["survey_page_skeletons"].clear()
    assert page(second) == kept
    # A view with another query is drawn in full and keeps that query in its language links.
    assert "utm=x" in page(second, "?utm=x")
    assert "utm=x" not in page(second)
    page(first, "?lang=en")  # keeps the English skeleton (and the language cookie)
    kept_en = page(second, "?lang=en")
    assert 'lang="en"' in kept_en and "HS-PAGE-2" in kept_en
    app.extensions["survey_page_skeletons"].clear()
    assert page(second, "?lang=en") == kept_en
