"""Admin pages in real headless Chromium: axe-clean, usable by keyboard, print-ready invitations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from survey.models import Agency, Response, User
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
    "/admin/audit?events=account",
    "/admin/peer-groups",
    "/admin/agencies?q=Q1",
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
    signed_in.get(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
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


PHONE = (390, 844)


def fits_the_phone(browser) -> None:
    """Nothing wider than the screen: no sideways scrolling at 390 px."""
    width = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"{width}px of horizontal scroll on {browser.current_url}"


def submit(browser) -> None:
    with page_change(browser):
        browser.find_element(By.CSS_SELECTOR, "main form[method=post] [type=submit]").click()


def choose(browser, field_id: str, value: str) -> None:
    Select(browser.find_element(By.ID, field_id)).select_by_value(value)


# Set SHOTS_DIR to keep a full-page screenshot of every step of the walk (for reviewing the pages by eye).
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


def shot(browser, name: str) -> None:
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(PHONE[0], min(height + 100, 12000))
    browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(*PHONE)


def step(browser, path: str, name: str = "") -> None:
    browser.get(path)
    if name:
        shot(browser, name)
    fits_the_phone(browser)
    check(browser)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_admin_walk_on_a_phone(signed_in, live_server, db, city, lang):
    """Create a user (a viewer unless told otherwise), make them a manager, add a peer group and an agency in it."""
    signed_in.set_window_size(*PHONE)
    base = live_server.url
    step(signed_in, f"{base}/admin/users/new?lang={lang}", f"admin-{lang}-1-new-user")
    signed_in.find_element(By.ID, "email").send_keys("lan@phuong.example.gov.vn")
    signed_in.find_element(By.ID, "name").send_keys("Nguyễn Thị Lan")
    choose(signed_in, "agency_id", str(city.agencies["Q1-BN"].id))
    submit(signed_in)
    user = db.session.scalar(select(User).where(User.email == "lan@phuong.example.gov.vn"))
    assert user.role == "viewer"
    step(signed_in, f"{base}/admin/users/{user.id}/edit?lang={lang}", f"admin-{lang}-2-grant-manager")
    choose(signed_in, "role", "manager")
    submit(signed_in)
    db.session.refresh(user)
    assert user.role == "manager"
    step(signed_in, f"{base}/admin/peer-groups?lang={lang}", f"admin-{lang}-3-peer-groups")
    signed_in.find_element(By.ID, "code").send_keys("xa-dac-khu")
    signed_in.find_element(By.ID, "name_vi").send_keys("Xã và đặc khu")
    submit(signed_in)
    step(signed_in, f"{base}/admin/agencies/new?lang={lang}", f"admin-{lang}-4-new-agency")
    signed_in.find_element(By.ID, "code").send_keys("XA-THANH-AN")
    signed_in.find_element(By.ID, "name_vi").send_keys("Xã Thạnh An")
    choose(signed_in, "kind", "ward")
    choose(signed_in, "peer_group", "xa-dac-khu")
    submit(signed_in)
    agency = db.session.scalar(select(Agency).where(Agency.code == "XA-THANH-AN"))
    assert agency.peer_group == "xa-dac-khu" and agency.parent_id is None
    shot(signed_in, f"admin-{lang}-5-agency-created")
    step(signed_in, f"{base}/admin/agencies?q=THANH&lang={lang}", f"admin-{lang}-6-agency-search")
    fits_the_phone(signed_in)
    check(signed_in)


def test_publish_now_check_page_is_accessible(signed_in, live_server):
    signed_in.get(f"{live_server.url}/admin/schedule?lang=en")
    signed_in.find_element(By.ID, "period").send_keys("2026-09")
    submit(signed_in)
    assert "Check before publishing" in signed_in.find_element(By.TAG_NAME, "h1").text
    check(signed_in)
