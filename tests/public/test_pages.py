"""The public pages, as a reader sees them, in Vietnamese and English."""

from __future__ import annotations

import re

import pytest

from tests.public.conftest import Site


def pages(site: Site) -> list[str]:
    ids = site.ids
    return [
        "/",
        "/rankings/ward/2026-09",
        "/rankings/district/2026-09",
        "/rankings/ward/2026-08",
        f"/snapshots/{ids.ward_september}",
        f"/snapshots/{ids.ward_september_first}",
        "/agencies/Q1-BN",
        "/agencies/Q1",
        "/archive",
        "/methodology",
        "/data",
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders_in_both_languages(site, site_client, lang):
    for url in pages(site):
        response = site_client.get(url, query_string={"lang": lang})
        assert response.status_code == 200, url
        assert response.mimetype == "text/html"
        assert f'<html lang="{lang}">' in response.text, url


def test_vietnamese_is_the_default(site_client):
    page = site_client.get("/rankings/ward/2026-09").text
    assert '<html lang="vi">' in page and "Phường" in page and "Tháng 9 năm 2026" in page


def test_home_answers_who_is_significantly_worse(site_client):
    page = site_client.get("/?lang=en").text
    assert "Significantly worse than expected" in page
    flagged = page.split('id="flagged-heading"')[1].split("</section>")[0]
    assert 'href="/agencies/Q1-W1?lang=en"' in flagged and "Ward Q1-W1" in flagged
    assert "Q1-BN" not in flagged  # as expected, even though it fell
    assert "target 90%" in page and "points below the target" in page


def test_home_lists_significant_movers(site_client):
    page = site_client.get("/?lang=en").text
    movers = page.split('id="movers-heading"')[1].split("</section>")[0]
    assert "Ward Q1-BN" in movers and "Ward Q1-W1" in movers
    assert "Ward Q1-DK" not in movers  # its change could be chance


def test_home_links_the_latest_table_of_each_peer_group(site_client):
    page = site_client.get("/?lang=en").text
    assert 'href="/rankings/ward/2026-09?lang=en"' in page
    assert 'href="/rankings/district/2026-09?lang=en"' in page


def test_league_table_shows_rank_ranges_never_bare_ranks(site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    rank_cells = re.findall(r"<tr>\s*<td>(.*?)</td>", page, flags=re.S)
    assert rank_cells
    for cell in rank_cells:
        assert re.search(r"\d+–\d+", cell) or "not ranked" in cell


def test_league_table_explains_bands_with_symbols_and_words(site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    for symbol, words in (("▲▲", "Clearly better than peers"), ("●", "Not clearly different from peers"), ("▼▼", "Clearly worse than peers")):
        assert f'<span class="band-symbol" aria-hidden="true">{symbol}</span> {words}' in page
    assert "Clearly worse than its peers: beyond the 99.8% limit" in page


def test_small_counts_are_stars_without_a_share(site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    row = page.split("Ward Q3-P1</a></th>")[1].split("</tr>")[0]
    assert '<span aria-hidden="true">*</span>' in row and "withheld (small count)" in row
    assert "no score published" in row and "%" not in row.split("</td>")[0]


def test_low_response_rate_is_marked(site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    row = page.split("Ward Q1-W3</a></th>")[1].split("</tr>")[0]
    assert "⚠" in row and "low response rate" in row
    other = page.split("Ward Q1-DK</a></th>")[1].split("</tr>")[0]
    assert "⚠" not in other


def test_movement_says_whether_it_is_significant(site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    fell = page.split("Ward Q1-BN</a></th>")[1].split("</tr>")[0]
    assert "−10.6 pts" in fell and "significant" in fell  # method 2: the change of shrunk scores
    steady = page.split("Ward Q1-DK</a></th>")[1].split("</tr>")[0]
    assert "could be chance" in steady


def test_score_interval_is_drawn_as_svg_without_style_attributes(site_client):
    page = site_client.get("/rankings/ward/2026-09").text
    assert page.count('<svg class="bar"') == 10  # every scored agency
    assert "style=" not in page and "<style" not in page and "<script" not in page


def test_table_has_caption_column_scopes_and_aria_sort(site_client):
    page = site_client.get("/rankings/ward/2026-09?sort=name&order=asc").text
    assert "<caption" in page and page.count('scope="col"') == 8
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="[^"]*sort=name&amp;order=desc', page)
    assert page.count("aria-sort=") == 1


def test_sorting_by_name_orders_rows(site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en&sort=name").text
    names = re.findall(r'<th scope="row"><a [^>]*>(Ward [^<]+)</a>', page)
    assert names == sorted(names) and len(names) == 12
    backwards = site_client.get("/rankings/ward/2026-09?lang=en&sort=name&order=desc").text
    assert re.findall(r'<th scope="row"><a [^>]*>(Ward [^<]+)</a>', backwards) == names[::-1]


def test_sorting_by_score_puts_withheld_agencies_last(site_client):
    for order in ("asc", "desc"):
        page = site_client.get(f"/rankings/ward/2026-09?lang=en&sort=score&order={order}").text
        names = re.findall(r'<th scope="row"><a [^>]*>(Ward [^<]+)</a>', page)
        assert set(names[-2:]) == {"Ward Q3-P1", "Ward Q3-P2"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("band=well_below", {"Ward Q1-W1"}),
        ("parent=Q3", {"Ward Q3-P1", "Ward Q3-P2", "Ward Q3-W1", "Ward Q3-W2", "Ward Q3-W3"}),
        ("q=q1-w", {"Ward Q1-W1", "Ward Q1-W2", "Ward Q1-W3", "Ward Q1-W4"}),
        ("q=phuong+q3-p", {"Ward Q3-P1", "Ward Q3-P2"}),  # Vietnamese name, accents ignored
        ("band=above", set()),
    ],
)
def test_filters(site_client, query, expected):
    page = site_client.get(f"/rankings/ward/2026-09?lang=en&{query}").text
    assert set(re.findall(r'<th scope="row"><a [^>]*>(Ward [^<]+)</a>', page)) == expected
    if not expected:
        assert "No agency matches these filters." in page


def test_table_links_to_its_open_data(site, site_client):
    page = site_client.get("/rankings/ward/2026-09").text
    snapshot_id = site.ids.ward_september
    assert f'href="/snapshots/{snapshot_id}.csv"' in page and f'href="/snapshots/{snapshot_id}.json"' in page
    assert f'href="/snapshots/{snapshot_id}"' in page  # permanent address


def test_latest_table_is_the_correction(site, site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    assert "This is a correction (revision 2)." in page and "late batch from a case system" in page
    assert f"/snapshots/{site.ids.ward_september}.csv" in page


def test_peer_group_address_redirects_to_its_latest_period(site_client):
    response = site_client.get("/rankings/ward?lang=en&band=below")
    assert response.status_code == 302
    assert response.headers["Location"] == "/rankings/ward/2026-09?lang=en&band=below"


def test_superseded_snapshot_links_to_its_correction(site, site_client):
    ids = site.ids
    page = site_client.get(f"/snapshots/{ids.ward_september_first}?lang=en").text
    assert "This publication has been corrected." in page
    assert f'href="/snapshots/{ids.ward_september}"' in page
    assert re.search(r"<dt>Hash</dt><dd><code class=\"hash\">[0-9a-f]{64}</code>", page)
    assert re.search(r"<dt>Previous hash</dt><dd><code class=\"hash\">[0-9a-f]{64}</code>", page)
    assert "<dt>Method version</dt><dd>2.0.0</dd>" in page


def test_correction_names_what_it_corrects(site, site_client):
    ids = site.ids
    page = site_client.get(f"/snapshots/{ids.ward_september}?lang=en").text
    assert f'<dt>Corrects</dt><dd><a href="/snapshots/{ids.ward_september_first}">' in page
    assert "<dt>Superseded by</dt><dd>not superseded</dd>" in page


def test_snapshot_page_shows_charts_with_text_alternatives(site, site_client):
    page = site_client.get(f"/snapshots/{site.ids.ward_september}?lang=en").text
    for kind in ("funnel", "caterpillar"):
        img = re.search(rf'<img src="/snapshots/{site.ids.ward_september}/{kind}.svg"\s+alt="([^"]+)"', page)
        assert img and len(img.group(1)) > 40
    assert "1 of 10 agencies is below the 99.8% limit (well below expected): Ward Q1-W1." in page
    assert "Scores run from" in page and "The same data as a table" in page


@pytest.mark.parametrize("kind", ["funnel", "caterpillar"])
def test_charts_are_served_from_the_snapshot(site, site_client, kind):
    response = site_client.get(f"/snapshots/{site.ids.ward_september}/{kind}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "<svg" in response.text


def test_snapshot_without_charts_has_no_chart_urls(site, site_client):
    assert site_client.get(f"/snapshots/{site.ids.ward_august}/funnel.svg").status_code == 404
    page = site_client.get(f"/snapshots/{site.ids.ward_august}").text
    assert "funnel.svg" not in page


def test_agency_page_shows_history_and_family(site, site_client):
    page = site_client.get("/agencies/Q1-BN?lang=en").text
    history = page.split('id="months-caption"')[1].split("</table>")[0]
    assert "September 2026" in history and "August 2026" in history
    assert history.index("September 2026") < history.index("August 2026")
    # only the current revision of September appears, linked at its permanent address
    assert f'href="/snapshots/{site.ids.ward_september}?lang=en"' in history
    assert f'href="/snapshots/{site.ids.ward_september_first}' not in history
    assert 'href="/agencies/Q1?lang=en"' in page  # parent
    assert 'href="/agencies/Q1-DK?lang=en"' in page  # a peer
    assert '<figure class="sparkline"' in page and 'role="img"' in page


def test_district_page_lists_its_wards(site_client):
    page = site_client.get("/agencies/Q1?lang=en").text
    assert "Agencies under" in page and 'href="/agencies/Q1-W1?lang=en"' in page


def test_agency_without_drivers_or_plans_says_nothing_about_them(site_client):
    page = site_client.get("/agencies/Q1-DK?lang=en").text
    assert "What drives satisfaction here" not in page and "Action plan" not in page


def test_archive_lists_every_snapshot_newest_first(site, site_client):
    page = site_client.get("/archive?lang=en").text
    listed = [int(n) for n in re.findall(r'<th scope="row"><a href="/snapshots/(\d+)', page)]
    assert listed[0] == site.ids.ward_september and set(listed) == set(range(1, 6))
    row = page.split(f'href="/snapshots/{site.ids.ward_september_first}?lang=en"')[1].split("</tr>")[0]
    assert f"snapshot {site.ids.ward_september}" in row  # superseded by


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("en", ["Wilson score interval", "overdispersion", "Rank ranges, never a bare rank", "4,000", "1.959964"]),
        ("vi", ["khoảng Wilson", "Khoảng thứ hạng", "4.000", "1.959964"]),
    ],
)
def test_methodology_in_plain_words_with_formulas(site_client, lang, phrases):
    page = site_client.get(f"/methodology?lang={lang}").text
    for phrase in phrases:
        assert phrase in page
    assert "τ² = max(0, (I·φ − (I − 1)) / (Σw − Σw² / Σw))" in page
