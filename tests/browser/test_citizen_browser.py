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
    assert "Please check your answers" in summary.text
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def test_closed_link_pages_are_accessible(browser, live_server, token):
    browser.get(f"{live_server.url}/s/not-a-real-token")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Liên kết không hợp lệ"
    violations = axe_violations(browser)
    assert not violations, describe(violations)
