"""Real headless Chromium (Debian chromium + chromium-driver) against the real app over HTTP.

``live_server`` serves the test's app (same fresh database) on a free loopback port
in a thread; ``browser`` is one Chromium per worker; ``axe_violations`` runs axe-core.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# WCAG 2.0/2.1/2.2 A and AA rules, plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
}


class LiveServer:
    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    app.config["BASE_URL"] = "http://127.0.0.1"  # links are read from the page, not from config
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium) -> Iterator[webdriver.Chrome]:
    chromium.delete_all_cookies()
    chromium.set_window_size(1280, 900)
    yield chromium


# axe-core from the npm registry, pinned in tests/browser/package.json (`make test` installs it).
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(arguments[0] || document, arguments[1])
  .then(results => done({violations: results.violations}))
  .catch(error => done({error: String(error)}));
"""


def axe_violations(driver, context: str | None = None) -> list[dict]:
    """Run axe-core on the current page; returns its violations (empty when the page passes)."""
    driver.set_script_timeout(60)
    driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = driver.execute_async_script(RUN_AXE, context, AXE_OPTIONS)
    assert "error" not in result, result.get("error")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )


def wait_for_new_page(browser, old_page, timeout: float = 15) -> None:
    """Wait until ``old_page`` (the previous <html> element) is gone and the new page has loaded.

    During navigation Chromium sometimes answers a probe of the old element with an inspector
    error ("Node … does not belong to the document") instead of a stale-element error; both
    mean the old page is gone.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def navigated(driver) -> bool:
        try:
            old_page.is_enabled()
        except WebDriverException:
            return driver.execute_script("return document.readyState") == "complete"
        return False

    WebDriverWait(browser, timeout).until(navigated)


@contextmanager
def page_change(browser, timeout: float = 15) -> Iterator[None]:
    """Wrap an action that navigates (a click, Enter on a button); return once the next page loaded.

    Without it, a lookup right after the click can find an element of the *old* page, or
    miss one of the new page, depending on how fast the server answers.
    """
    from selenium.webdriver.common.by import By

    page = browser.find_element(By.TAG_NAME, "html")
    yield
    wait_for_new_page(browser, page, timeout)


def sign_in(browser, live_server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, as a member of staff would, and wait for the next page."""
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}/auth/sign-in?lang=en")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    with page_change(browser):
        browser.find_element(By.ID, "submit").click()
    assert "/auth/sign-in" not in browser.current_url, browser.current_url
