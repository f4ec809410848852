"""Admin pages in real headless Chromium: axe-clean, usable by keyboard, print-ready invitations."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from survey.models import Response
from survey.questions import active_question_set
from tests import factories
from tests.browser.conftest import axe_violations, describe, page_change, sign_in

pytestmark = pytest.mark.browser

PAGES = [
    "/admin/",
    "/admin/agencies",
    "/admin/agencies/new",
    "/admin/services",
    "/admin/services/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/api-keys",
    "/admin/api-keys/new",
    "/admin/questions",
    "/admin/questions/new",
    "/admin/schedule",
    "/admin/import/agencies",
    "/admin/cases/upload",
    "/admin/cases/invitations",
    "/admin/audit",
]


@pytest.fixture
def signed_in(browser, live_server, app, city):
    """An administrator signed in through the sign-in form of the live site."""
    admin = factories.user("admin@example.gov.vn", "admin")
    factories.api_key(("Q1",))
    active_question_set()
    sign_in(browser, live_server, admin.email)
    return browser


def check(browser) -> None:
    violations = axe_violations(browser)
    assert not violations, describe(violations)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_admin_pages_have_no_axe_violations(signed_in, live_server, path, lang):
    signed_in.get(f"{live_server.url}{path}?lang={lang}")
    assert signed_in.find_element(By.TAG_NAME, "h1").is_displayed()
    assert "/auth/sign-in" not in signed_in.current_url
    check(signed_in)


def test_form_errors_are_announced_and_linked(signed_in, live_server):
    signed_in.get(f"{live_server.url}/admin/agencies/new?lang=en")
    signed_in.find_element(By.ID, "name_vi").send_keys("<b>bad</b>")
    with page_change(signed_in):
        signed_in.find_element(By.CSS_SELECTOR, "form input[type=submit]").click()
    summary = signed_in.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "Please correct the marked fields" in summary.text
    link = summary.find_element(By.CSS_SELECTOR, "a[href='#name_vi']")
    link.click()
    assert signed_in.switch_to.active_element.get_attribute("id") == "name_vi"
    check(signed_in)


def test_created_api_key_page_is_accessible(signed_in, live_server):
    signed_in.get(f"{live_server.url}/admin/api-keys/new?lang=en")
    signed_in.find_element(By.ID, "name").send_keys("Một cửa điện tử")
    signed_in.find_element(By.ID, "all_agencies").click()
    with page_change(signed_in):
        signed_in.find_element(By.CSS_SELECTOR, "form input[type=submit]").click()
    assert signed_in.find_element(By.ID, "plain-key").get_attribute("value").startswith("sk_")
    check(signed_in)


def test_invitation_sheet_is_accessible_and_prints_cards_only(signed_in, live_server, city, db):
    for n in range(3):
        factories.issue_link(f"HS-PRINT-{n}")
    query = f"agency_id={city.agencies['Q1-BN'].id}&lang=en"
    signed_in.get(f"{live_server.url}/admin/cases/invitations/sheet?{query}")
    cards = signed_in.find_elements(By.CSS_SELECTOR, ".invitation")
    assert len(cards) == 3
    assert cards[0].find_element(By.CSS_SELECTOR, "svg[role=img]").size["width"] > 100
    check(signed_in)
    signed_in.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not signed_in.find_element(By.CSS_SELECTOR, ".site-header").is_displayed()
        assert cards[0].is_displayed()
    finally:
        signed_in.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert db.session.query(Response).count() == 0
