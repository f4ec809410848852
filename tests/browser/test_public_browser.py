"""The public site in real headless Chromium: axe-clean pages, phone width, no JavaScript needed."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from babel.numbers import format_decimal, format_percent
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from survey import create_app
from survey.extensions import db as _db
from tests.browser.conftest import LiveServer, axe_violations, describe, page_change
from tests.public.helpers import SmallSite, build_big_ward_table, build_small_site

pytestmark = pytest.mark.browser


def published_server(tmp_path_factory, name: str, build) -> Iterator[tuple[LiveServer, object]]:
    """A live server on its own database, built once per module (the pages only read)."""
    path = tmp_path_factory.mktemp(name) / "site.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        _db.create_all()
        ids = build()
        _db.session.remove()
    with LiveServer(app) as server:
        yield server, ids
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Iterator[tuple[LiveServer, SmallSite]]:
    yield from published_server(tmp_path_factory, "small-site", build_small_site)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Iterator[tuple[LiveServer, int]]:
    yield from published_server(tmp_path_factory, "big-site", lambda: build_big_ward_table(charts=True))


def small_pages(ids: SmallSite) -> dict[str, str]:
    return {
        "home": "/",
        "league": "/rankings/ward/2026-09",
        "league-filtered": "/rankings/ward/2026-09?band=well_below&sort=name",
        "snapshot-superseded": f"/snapshots/{ids.ward_september_first}",
        "snapshot-correction": f"/snapshots/{ids.ward_september}",
        "district-table": "/rankings/district/2026-09",
        "agency": "/agencies/Q1-BN",
        "district": "/agencies/Q1",
        "archive": "/archive",
        "methodology": "/methodology",
        "data": "/data",
        "changes": "/changes/2026-09",
        "not-found": "/agencies/NOPE",
        "bad-request": "/rankings/ward/2026-09?sort=colour",
    }


def assert_axe_clean(browser) -> None:
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def assert_no_sideways_scroll(browser, width: int) -> None:
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    "page",
    [
        "home",
        "league",
        "league-filtered",
        "snapshot-superseded",
        "snapshot-correction",
        "district-table",
        "agency",
        "district",
        "archive",
        "methodology",
        "data",
        "changes",
        "not-found",
        "bad-request",
    ],
)
def test_public_pages_have_no_axe_violations(browser, small, page, lang):
    server, ids = small
    url = small_pages(ids)[page]
    browser.get(f"{server.url}{url}{'&' if '?' in url else '?'}lang={lang}")
    assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
    assert_axe_clean(browser)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_league_table_at_phone_width(browser, small, lang):
    server, _ = small
    browser.set_window_size(320, 800)
    browser.get(f"{server.url}/rankings/ward/2026-09?lang={lang}")
    assert_no_sideways_scroll(browser, 320)  # the table scrolls inside its own region
    assert_axe_clean(browser)


def test_300_ward_table_pages_at_phone_width(browser, big):
    server, _ = big
    browser.set_window_size(320, 800)
    browser.get(f"{server.url}/rankings/ward/2026-09?page=2&lang=en")
    pager = browser.find_element(By.CSS_SELECTOR, "nav.pager")
    assert pager.get_attribute("aria-label")
    assert pager.find_element(By.CSS_SELECTOR, "[aria-current=page]").text == "2"
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.league tbody tr")) == 50
    assert_no_sideways_scroll(browser, 320)
    assert_axe_clean(browser)


def test_snapshot_charts_load_with_text_alternatives(browser, big):
    server, snapshot_id = big
    browser.get(f"{server.url}/snapshots/{snapshot_id}?lang=en")
    images = browser.find_elements(By.CSS_SELECTOR, "figure img")
    assert len(images) == 2
    for image in images:
        assert image.get_attribute("alt")
        # the stored SVG really renders (served as image/svg+xml under the CSP)
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image)
    captions = [c.text for c in browser.find_elements(By.TAG_NAME, "figcaption")]
    assert "clearly worse than peers" in captions[0] and "Scores run from" in captions[1]
    assert_axe_clean(browser)
    browser.set_window_size(320, 800)
    assert_no_sideways_scroll(browser, 320)
    assert_axe_clean(browser)


def test_filters_and_sorting_work_without_javascript(browser, small):
    server, _ = small
    browser.get(f"{server.url}/rankings/ward/2026-09?lang=en")
    Select(browser.find_element(By.ID, "filter-band")).select_by_value("well_below")
    with page_change(browser):
        browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    assert "band=well_below" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "table.league tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "th a").text for r in rows] == ["Ward Q1-W1"]
    with page_change(browser):
        browser.find_element(By.LINK_TEXT, "Clear filters").click()
    with page_change(browser):
        browser.find_element(By.LINK_TEXT, "Agency").click()
    header = browser.find_element(By.CSS_SELECTOR, "th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending" and "Agency" in header.text


def test_keyboard_focus_is_visible_on_sort_links(browser, small):
    server, _ = small
    browser.get(f"{server.url}/rankings/ward/2026-09?lang=en")
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "Score")
    browser.execute_script("arguments[0].focus()", link)
    outline = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth]", link
    )
    assert outline[0] != "none" and outline[1] != "0px"


def worst_row(server, snapshot_id: int) -> dict:
    """The lowest-scoring agency of a published table, read from its open data (never named in a test)."""
    with urllib.request.urlopen(f"{server.url}/snapshots/{snapshot_id}.json") as response:  # noqa: S310 (loopback)
        rows = json.load(response)["rows"]
    return min((r for r in rows if r["score"] is not None and not r["suppressed"]), key=lambda r: r["score"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_worst_agency_row_shows_observed_share_and_score_each_labelled(browser, small, lang):
    server, ids = small
    worst = worst_row(server, ids.ward_september)
    browser.get(f"{server.url}/snapshots/{ids.ward_september}?lang={lang}&sort=score&order=asc")
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.league thead th")]
    row = browser.find_element(
        By.XPATH, f"//table[contains(@class,'league')]//tr[th//a[contains(@href, '/agencies/{worst['agency_code']}?')]]"
    )
    cells = [row.find_element(By.TAG_NAME, "th"), *row.find_elements(By.TAG_NAME, "td")]
    # th (name) is the second column; the cells follow the header order
    by_header = dict(zip(headers, [cells[1], cells[0], *cells[2:]], strict=False))
    observed_header = "Tỷ lệ hài lòng (thực tế)" if lang == "vi" else "Share satisfied (observed)"
    score_header = "Điểm (đã điều chỉnh, kèm khoảng)" if lang == "vi" else "Score (adjusted, with interval)"
    observed = by_header[next(h for h in headers if h.startswith(observed_header))].text
    score = by_header[next(h for h in headers if h.startswith(score_header))].text
    share = format_percent(worst["rate"], "#,##0.0%", locale=lang)
    of = "trên" if lang == "vi" else "of"
    counts = f"{format_decimal(worst['positive'], locale=lang)} {of} {format_decimal(worst['responses'], locale=lang)}"
    assert share in observed and counts in observed
    assert format_percent(worst["score"], "#,##0.0%", locale=lang) in score
    assert share != format_percent(worst["score"], "#,##0.0%", locale=lang), "the test needs a shrunk score"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_league_table_fits_a_1366_pixel_screen(browser, big, lang):
    server, snapshot_id = big
    browser.set_window_size(1366, 900)
    browser.get(f"{server.url}/snapshots/{snapshot_id}?lang={lang}")
    region = browser.find_element(By.CSS_SELECTOR, ".table-scroll[aria-labelledby=league-caption]")
    assert browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", region)
    assert not browser.find_element(By.CSS_SELECTOR, ".scroll-cue").is_displayed()
    # A band name takes at most two lines (it took five before the table had room).
    line = browser.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.band-cell')).lineHeight)"
    )
    tallest = max(c.size["height"] for c in browser.find_elements(By.CSS_SELECTOR, ".band-cell .band"))
    assert tallest <= 2 * line + 2
    assert_axe_clean(browser)


def test_phone_table_says_it_scrolls_sideways(browser, small):
    server, _ = small
    browser.set_window_size(390, 800)
    browser.get(f"{server.url}/rankings/ward/2026-09?lang=en")
    cue = browser.find_element(By.CSS_SELECTOR, ".scroll-cue")
    assert cue.is_displayed() and "swipe it sideways" in cue.text
    caption = browser.find_element(By.ID, "league-caption")
    assert caption.rect["x"] + caption.rect["width"] <= 390  # the caption wraps to the screen, not the table
    assert_no_sideways_scroll(browser, 390)


TABLE_CUES = """return Array.from(document.querySelectorAll('.table-scroll')).map(e => {
  const cue = e.previousElementSibling;
  const shown = !!(cue && cue.classList.contains('scroll-cue') && getComputedStyle(cue).display !== 'none');
  return [e.getAttribute('aria-labelledby'), e.scrollWidth > e.clientWidth + 1, shown];
})"""


@pytest.mark.parametrize("width", [390, 1366])
def test_every_table_too_wide_for_the_screen_says_so_and_no_other(browser, small, width):
    server, ids = small
    browser.set_window_size(width, 900)
    checked = 0
    for name, url in small_pages(ids).items():
        for lang in ("vi", "en"):
            browser.get(f"{server.url}{url}{'&' if '?' in url else '?'}lang={lang}")
            for caption, overflows, cue in browser.execute_script(TABLE_CUES):
                checked += 1
                if overflows:  # a table cut off at the edge always says to swipe it
                    assert cue, (width, name, lang, caption)
                elif width == 1366:  # on a laptop no table that fits asks to be swiped
                    assert not cue, (width, name, lang, caption)
    assert checked > 10
