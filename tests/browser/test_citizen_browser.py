"""The survey in a real browser: keyboard only, 320 px wide, no JavaScript needed, axe-clean."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from survey.models import Response
from tests import factories
from tests.browser.conftest import axe_violations, describe, page_change

pytestmark = pytest.mark.browser


@pytest.fixture
def token(city):
    return factories.issue_link("HS-BROWSER")


def test_survey_form_has_no_axe_violations_at_phone_width(browser, live_server, token):
    browser.set_window_size(320, 800)
    browser.get(f"{live_server.url}/s/{token}")
    assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
    # nothing wider than the screen: no horizontal scrolling at 320 px
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 320
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def test_keyboard_only_submission(browser, live_server, token, db):
    browser.get(f"{live_server.url}/s/{token}?lang=en")
    first_radio = browser.find_element(By.CSS_SELECTOR, "input[name=overall][value='4']")
    first_radio.send_keys(Keys.SPACE)  # focus + select by keyboard
    comment = browser.find_element(By.TAG_NAME, "textarea")
    comment.send_keys("Fast and polite")
    comment.send_keys(Keys.TAB)  # to the submit button
    with page_change(browser):
        browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert "Thank you" in browser.find_element(By.TAG_NAME, "h1").text
    violations = axe_violations(browser)
    assert not violations, describe(violations)
    stored = db.session.scalar(select(Response))
    assert stored.overall == 4 and stored.comment == "Fast and polite"


def test_errors_are_announced_and_linked(browser, live_server, token):
    browser.get(f"{live_server.url}/s/{token}?lang=en")
    with page_change(browser):
        browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "There is a problem" in summary.text and "Choose how satisfied you are overall" in summary.text
    assert browser.title.startswith("Error: ")
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def test_closed_link_pages_are_accessible(browser, live_server, token):
    browser.get(f"{live_server.url}/s/not-a-real-token")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Liên kết không hợp lệ"
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def test_the_language_button_keeps_the_answers(browser, live_server, token, db):
    browser.set_window_size(390, 844)
    browser.get(f"{live_server.url}/s/{token}")
    browser.find_element(By.CSS_SELECTOR, "label[for=overall-1]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=visits][value='2'] + label").click()
    browser.find_element(By.TAG_NAME, "textarea").send_keys("Chờ lâu")
    with page_change(browser):
        browser.find_element(By.CSS_SELECTOR, "button[name=switch_language][value=en]").click()
    assert browser.current_url.endswith(f"/s/{token}?lang=en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Rate your service"
    assert browser.find_element(By.ID, "overall-1").is_selected()
    assert browser.find_element(By.CSS_SELECTOR, "input[name=visits][value='2']").is_selected()
    assert browser.find_element(By.TAG_NAME, "textarea").get_attribute("value") == "Chờ lâu"
    assert db.session.scalar(select(Response)) is None  # switching stores nothing
    # The required question and its send button are on the first phone screen.
    early = browser.find_element(By.ID, "submit-early")
    assert browser.execute_script("return arguments[0].getBoundingClientRect().bottom", early) <= 844
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def test_a_published_reply_reaches_the_citizen_on_their_own_link(browser, live_server, token, db):
    from selenium.webdriver.support.ui import Select

    from tests.browser.conftest import sign_in

    browser.get(f"{live_server.url}/s/{token}?lang=en")
    browser.find_element(By.CSS_SELECTOR, "label[for=overall-3]").click()
    browser.find_element(By.TAG_NAME, "textarea").send_keys("Phải chờ hai tiếng, gọi tôi 0903 123 456")
    with page_change(browser):
        browser.find_element(By.ID, "submit").click()
    assert "Thank you" in browser.find_element(By.TAG_NAME, "h1").text
    factories.user("manager@q1-bn.example", "manager", "Q1-BN")
    sign_in(browser, live_server, "manager@q1-bn.example")
    with page_change(browser):
        browser.find_element(By.LINK_TEXT, "Comments").click()
    with page_change(browser):
        browser.find_element(By.PARTIAL_LINK_TEXT, "Phải chờ hai tiếng").click()
    Select(browser.find_element(By.ID, "status")).select_by_value("responded")
    browser.find_element(By.ID, "reply").send_keys("Phường đã bố trí thêm ghế chờ và một quầy buổi sáng.")
    browser.find_element(By.ID, "reply_public").click()
    with page_change(browser):
        browser.find_element(By.ID, "submit").click()
    browser.delete_all_cookies()  # the citizen, not the manager, opens the link again
    browser.get(f"{live_server.url}/s/{token}?lang=en")
    reply = browser.find_element(By.CSS_SELECTOR, ".reply-box")
    assert reply.find_element(By.TAG_NAME, "h2").text.startswith("Ward Q1-BN replied on")
    assert "thêm ghế chờ" in reply.text
    violations = axe_violations(browser)
    assert not violations, describe(violations)
