"""The survey says who runs it and where to get help, switches language without losing answers,
shows errors the GOV.UK way, and shows the agency's reply on the citizen's own link."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from survey.manage.triage import Triage, apply_triage
from survey.models import Response
from survey.responses import own_response
from tests import factories
from tests.actions import answers, csrf_from, submit, text_of


def test_the_form_names_the_issuing_body_and_a_tel_help_line(client, city):
    token = factories.issue_link("HS-OWN")
    html = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert "UBND Thành phố Hồ Chí Minh asks how Ward Q1-BN handled your case HS-OWN" in html
    assert 'href="tel:1022"' in html and "It takes about one minute" in html
    assert html.count("(optional)") == 9  # every question but the first, and "did someone help you?"


def test_a_language_button_re_shows_the_answers_in_the_other_language_and_stores_nothing(app, client, db, city):
    token = factories.issue_link("HS-LANG")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert 'formaction="?lang=en"' in page and 'name="switch_language"' in page
    kept = app.extensions["blank_survey_questions"]  # drawn once for every citizen: must not hold a link
    assert kept and not any(token in str(html) for html in kept.values())
    data = answers(overall="2", courtesy="4", comment="Chờ lâu")
    data["csrf_token"] = csrf_from(page)
    data["switch_language"] = "en"
    again = client.post(f"/s/{token}?lang=en", data=data)
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and '<html lang="en">' in html
    assert 'checked id="overall-3"' in html and 'checked id="courtesy-1"' in html and "Chờ lâu" in html
    assert 'role="alert"' not in html
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_errors_follow_the_gov_uk_pattern(client, db, city):
    token = factories.issue_link("HS-ERR")
    html = submit(client, token, overall="").get_data(as_text=True)
    assert re.search(r"<title>Lỗi: ", html)
    main = html[html.index('<main id="main"') :]
    assert main.index('class="error-summary"') < main.index("<h1>")  # summary first in main
    assert '<a href="#overall-0">Chọn mức độ hài lòng chung</a>' in main  # the link says the fix


def test_the_citizen_sees_the_published_reply_on_their_own_link(client, db, city):
    token = factories.issue_link("HS-REPLY")
    assert submit(client, token, comment="Gọi lại cho tôi 0903 123 456").status_code == 303
    before = client.get(f"/s/{token}?lang=en")
    assert before.status_code == 409 and "replied" not in text_of(before)
    manager = factories.user("manager@q1.example", "manager", "Q1-BN")
    reply = "We have called back; staff can also be reached at 0903 999 888."
    apply_triage(own_response(token), Triage(status="responded", reply=reply, reply_public=True), manager)
    db.session.commit()
    page = text_of(client.get(f"/s/{token}?lang=en"))
    assert "Ward Q1-BN replied on" in page and "We have called back" in page
    assert "0903 999 888" not in page  # scrubbed like comments
    other = factories.issue_link("HS-OTHER")
    assert "replied" not in text_of(client.get(f"/s/{other}?lang=en"))
