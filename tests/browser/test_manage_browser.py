"""Managers in a real browser: sign in, triage a comment, file an action plan, the parent reviews it;
axe-clean pages, in Vietnamese and English, on a phone."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from ranking.periods import parse_period
from survey.models import ActionPlan, Agency, Feedback
from survey.publication import publish
from tests import factories
from tests.browser.conftest import axe_violations, describe, page_change
from tests.browser.conftest import sign_in as staff_sign_in

pytestmark = pytest.mark.browser

WARDS = {"Q1-BN": (30, 70), "Q1-DK": (90, 10), "Q1-TD": (88, 12), "Q3-P1": (92, 8), "Q3-P2": (89, 11)}


@pytest.fixture
def ward_manager(db):
    factories.small_city()
    return factories.user("manager@q1-bn.example", "manager", "Q1-BN")


def assert_accessible(browser) -> None:
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def submit(browser, button_id: str = "submit") -> None:
    """Click a submit button and wait for the next page (a redirect after POST)."""
    with page_change(browser):
        browser.find_element(By.ID, button_id).click()


def follow(browser, by: str, text: str) -> None:
    """Click a link and wait until the next page has replaced this one."""
    with page_change(browser):
        browser.find_element(by, text).click()


def sign_in(browser, live_server, email: str) -> None:
    """The sign-in page passes axe; signing in lands on the dashboard."""
    browser.get(f"{live_server.url}/auth/sign-in?lang=en")
    assert_accessible(browser)
    staff_sign_in(browser, live_server, email)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Dashboard")


def test_sign_in_failure_and_success(browser, live_server, ward_manager):
    browser.get(f"{live_server.url}/auth/sign-in?lang=en")
    browser.find_element(By.ID, "email").send_keys("manager@q1-bn.example")
    browser.find_element(By.ID, "password").send_keys("wrong password")
    submit(browser)
    assert "Sign-in failed" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert_accessible(browser)
    sign_in(browser, live_server, "manager@q1-bn.example")
    assert_accessible(browser)


def test_triage_a_comment(browser, live_server, db, ward_manager):
    comment = factories.comment("Q1-BN", "Phải chờ hai tiếng, không có ghế ngồi", overall=1)
    sign_in(browser, live_server, "manager@q1-bn.example")
    follow(browser, By.LINK_TEXT, "Comments")
    assert_accessible(browser)
    follow(browser, By.PARTIAL_LINK_TEXT, "Phải chờ hai tiếng")
    assert_accessible(browser)
    Select(browser.find_element(By.ID, "status")).select_by_value("responded")
    browser.find_element(By.ID, "tags").send_keys("hàng chờ")
    browser.find_element(By.ID, "reply").send_keys("Phường đã bố trí thêm ghế chờ.")
    browser.find_element(By.ID, "reply_public").click()
    submit(browser)
    assert "Saved." in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert_accessible(browser)
    db.session.expire_all()
    stored = db.session.scalar(select(Feedback).where(Feedback.response_id == comment.id))
    assert stored.status == "responded" and stored.reply_public and stored.tags == "hàng chờ"
    # and an invalid change is explained accessibly
    Select(browser.find_element(By.ID, "status")).select_by_value("new")
    submit(browser)
    assert browser.find_element(By.CSS_SELECTOR, "[role=alert]").is_displayed()
    assert_accessible(browser)


def test_file_an_action_plan_when_flagged(browser, live_server, db, ward_manager):
    for code, (good, bad) in WARDS.items():
        factories.responses(code, good, bad, datetime(2026, 9, 15, 3, tzinfo=UTC))
    publish(
        parse_period("2026-09"),
        actor="test",
        now=datetime(2026, 10, 2, tzinfo=UTC),
        groups=["ward"],
        render_charts=False,
    )
    sign_in(browser, live_server, "manager@q1-bn.example")
    assert "Flagged in the latest publication" in browser.find_element(By.TAG_NAME, "main").text
    assert_accessible(browser)
    follow(browser, By.LINK_TEXT, "File an action plan")
    assert_accessible(browser)
    browser.find_element(By.ID, "what").send_keys("Thêm một quầy tiếp nhận buổi sáng")
    browser.find_element(By.ID, "target").send_keys("80% hài lòng")
    browser.find_element(By.ID, "measure").send_keys("Tỷ lệ hài lòng hằng tháng")
    browser.find_element(By.ID, "owner").send_keys("Tổ một cửa")
    due = (date.today() + timedelta(days=60)).isoformat()
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "due_on"), due)
    submit(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Action plan")
    assert_accessible(browser)
    plan = db.session.scalar(select(ActionPlan))
    q1bn = db.session.scalar(select(Agency).where(Agency.code == "Q1-BN"))
    assert plan.agency_id == q1bn.id and plan.snapshot is not None and plan.due_on.isoformat() == due
    browser.find_element(By.ID, "note").send_keys("Đã lắp thêm quầy")
    Select(browser.find_element(By.ID, "status")).select_by_value("in_progress")
    submit(browser)
    assert "Đã lắp thêm quầy" in browser.find_element(By.TAG_NAME, "main").text
    assert_accessible(browser)


PHONE = (390, 844)
# Set SHOTS_DIR to keep a full-page screenshot of every step (for reviewing the pages by eye).
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


# The element that sticks out furthest to the right, to name in a failure.
WIDEST = """
let worst = null, right = window.innerWidth;
for (const el of document.querySelectorAll('main *')) {
  const r = el.getBoundingClientRect().right;
  if (r > right) { right = r; worst = el; }
}
return worst ? worst.tagName + '.' + worst.className + ' ' + (worst.textContent || '').slice(0, 60) : '';
"""


def look(browser, name: str) -> None:
    """Each step: axe-clean, nothing wider than the phone, and a screenshot when asked for."""
    width = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    wide = browser.execute_script(WIDEST)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(PHONE[0], min(height + 100, 12000))
        browser.save_screenshot(str(SHOTS / f"{name}.png"))
        browser.set_window_size(*PHONE)
    assert width <= 0, f"{width}px of horizontal scroll on {browser.current_url}: {wide}"
    assert_accessible(browser)


def walk_sign_in(browser, live_server, email: str, lang: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/auth/sign-in?lang={lang}")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(factories.PASSWORD)
    submit(browser)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_manager_walk_on_a_phone(browser, live_server, db, ward_manager, lang):
    """Sign in, see why the ward is low, read the comments behind its worst service, reply and publish,
    file a plan; the district reviews it; the plan is public."""
    district = factories.user("manager@q1.example", "manager", "Q1")
    for code, (good, bad) in WARDS.items():
        factories.responses(code, good, bad, datetime(2026, 9, 15, 3, tzinfo=UTC))
    publish(parse_period("2026-09"), actor="test", now=datetime(2026, 10, 2, tzinfo=UTC), groups=["ward"])
    recent = datetime.now(UTC) - timedelta(days=2)
    for code, (good, bad) in WARDS.items():
        factories.responses(code, good, bad, recent, prefix="NOW")
    comment = factories.comment("Q1-BN", "Phải chờ hai tiếng, không có ghế ngồi", overall=1, submitted=recent)
    browser.set_window_size(*PHONE)

    walk_sign_in(browser, live_server, ward_manager.email, lang)
    main = browser.find_element(By.TAG_NAME, "main").text
    why = browser.find_element(By.CSS_SELECTOR, "p.why").text
    assert ("expected" in why) if lang == "en" else ("dự kiến" in why)
    assert browser.find_element(By.CSS_SELECTOR, "#flag-box.error-summary").is_displayed()
    look(browser, f"manager-{lang}-1-dashboard")
    assert main  # the why-sentence, the flag and the services against peers are on the first page
    # The worst service against peers comes first; its link opens the comments behind it.
    follow(browser, By.CSS_SELECTOR, "a.comments-link")
    assert "service=" in browser.current_url
    look(browser, f"manager-{lang}-2-comments-of-the-service")
    follow(browser, By.PARTIAL_LINK_TEXT, "Phải chờ hai tiếng")
    look(browser, f"manager-{lang}-3-comment")
    browser.find_element(By.ID, "reply").send_keys("Phường đã bố trí thêm ghế chờ.")
    browser.find_element(By.ID, "reply_public").click()
    submit(browser)  # publishing a reply sets the status by itself
    db.session.expire_all()
    stored = db.session.scalar(select(Feedback).where(Feedback.response_id == comment.id))
    assert stored.reply_public and stored.status == "responded"
    look(browser, f"manager-{lang}-4-replied")

    browser.get(f"{live_server.url}/manage/")
    follow(browser, By.CSS_SELECTOR, "#flag-box a[href*='/manage/plans/new']")
    look(browser, f"manager-{lang}-5-plan-form")
    browser.find_element(By.ID, "what").send_keys("Thêm một quầy tiếp nhận buổi sáng")
    browser.find_element(By.ID, "target").send_keys("80% hài lòng với đăng ký khai sinh")
    browser.find_element(By.ID, "measure").send_keys("Tỷ lệ hài lòng trong công bố hằng tháng")
    browser.find_element(By.CSS_SELECTOR, "input[name=drivers][value=procedure]").click()
    browser.find_element(By.ID, "owner").send_keys("Tổ một cửa")
    due = (date.today() + timedelta(days=60)).isoformat()
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "due_on"), due)
    submit(browser)
    plan = db.session.scalar(select(ActionPlan))
    assert plan.review_state == "under_review" and [s.code for s in plan.services] == ["HT-KHAISINH"]
    look(browser, f"manager-{lang}-6-plan-under-review")
    browser.get(f"{live_server.url}/manage/")
    assert browser.find_element(By.CSS_SELECTOR, "#flag-box.notice").is_displayed()
    look(browser, f"manager-{lang}-7-dashboard-plan-filed")

    walk_sign_in(browser, live_server, district.email, lang)
    follow(browser, By.CSS_SELECTOR, "nav a[href='/manage/plans/review']")
    look(browser, f"manager-{lang}-8-plans-to-review")
    follow(browser, By.CSS_SELECTOR, f"main a[href='/manage/plans/{plan.id}']")
    look(browser, f"manager-{lang}-9-review")
    browser.find_element(By.CSS_SELECTOR, "input[name=decision][value=publish]").click()
    submit(browser, "review-submit")
    db.session.expire_all()
    assert db.session.get(ActionPlan, plan.id).review_state == "published"
    look(browser, f"manager-{lang}-10-published")

    browser.get(f"{live_server.url}/agencies/Q1-BN?lang={lang}")
    public = browser.find_element(By.TAG_NAME, "main").text
    assert "Thêm một quầy tiếp nhận buổi sáng" in public and "Phường đã bố trí thêm ghế chờ." in public
    look(browser, f"manager-{lang}-11-public-agency-page")
