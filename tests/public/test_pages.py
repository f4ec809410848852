"""The public pages, as a reader sees them, in Vietnamese and English."""

from __future__ import annotations

import html
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
    assert "Clearly worse than their peers" in page
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
    for symbol, words in (
        ("▲▲", "Clearly better than peers"),
        ("●", "Not clearly different from peers"),
        ("▼▼", "Clearly worse than peers"),
    ):
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
    assert "<caption" in page and page.count('scope="col"') == 9  # the observed share sits beside the score
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
        img = re.search(rf'<img src="/snapshots/{site.ids.ward_september}/{kind}.en.svg"\s+alt="([^"]+)"', page)
        assert img and len(img.group(1)) > 40
    assert "1 of 10 agencies is below the 99.8% limit (clearly worse than peers): Ward Q1-W1." in page
    assert "Scores run from" in page and "The same data as a table" in page


@pytest.mark.parametrize("kind", ["funnel", "caterpillar"])
def test_charts_are_served_from_the_snapshot(site, site_client, kind):
    response = site_client.get(f"/snapshots/{site.ids.ward_september}/{kind}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "<svg" in response.text


def test_snapshot_without_charts_has_no_chart_urls(site, site_client):
    assert site_client.get(f"/snapshots/{site.ids.ward_august}/funnel.svg").status_code == 404
    assert site_client.get(f"/snapshots/{site.ids.ward_august}/funnel.en.svg").status_code == 404
    page = site_client.get(f"/snapshots/{site.ids.ward_august}").text
    assert "funnel." not in page and "caterpillar." not in page


def chart_texts(client, page: str) -> dict[str, str]:
    """The visible words of each chart a page shows, fetched as the browser would."""
    found = {}
    for src in re.findall(r'<img src="(/snapshots/\d+/\w+\.\w+\.svg)"', page):
        response = client.get(src)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        found[src] = " | ".join(re.findall(r"<text[^>]*>([^<]+)</text>", response.text))
    assert len(found) == 2
    return found


VIETNAMESE_CHART_WORDS = (
    "Biểu đồ phễu",
    "Điểm và khoảng",
    "Giới hạn",
    "Số câu trả lời",
    "Trung bình nhóm",
    "so với nhóm",
)
ENGLISH_CHART_WORDS = ("Funnel plot", "Scores with", "limits", "Number of answers", "Group average", "than peers")


def test_english_snapshot_charts_have_no_vietnamese_words(site, site_client):
    page = site_client.get(f"/snapshots/{site.ids.ward_september}?lang=en").text
    charts = chart_texts(site_client, page)
    words = " | ".join(charts.values())
    assert "Funnel plot: Wards, communes and special zones, September 2026" in words
    assert "Scores with 95% intervals: Wards" in words
    assert "99.8% limits" in words and "Ward Q1-W1" in words
    assert not [w for w in VIETNAMESE_CHART_WORDS if w in words]


def test_vietnamese_snapshot_charts_have_no_english_words_and_use_decimal_commas(site, site_client):
    page = site_client.get(f"/snapshots/{site.ids.ward_september}?lang=vi").text
    charts = chart_texts(site_client, page)
    words = " | ".join(charts.values())
    assert "Biểu đồ phễu: Phường, xã, đặc khu, Tháng 9 năm 2026" in words and "Giới hạn 99,8%" in words
    assert not [w for w in ENGLISH_CHART_WORDS if w in words]
    assert not re.search(r"\d\.\d+%", words), "a decimal point in a Vietnamese chart"


def test_caterpillar_names_ranked_and_flagged_agencies_not_codes(site, site_client):
    page = site_client.get(f"/snapshots/{site.ids.ward_september}?lang=en").text
    src = re.search(r'<img src="(/snapshots/\d+/caterpillar\.en\.svg)"', page).group(1)
    svg = site_client.get(src).text
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert "Ward Q1-W1" in labels  # clearly worse than its peers
    assert "Q1-W1" not in labels and "Q3-P1" not in labels  # codes, and a withheld ward, never appear
    assert "Every agency, in the table" in page


def test_chart_in_an_unknown_language_is_not_found(site, site_client):
    assert site_client.get(f"/snapshots/{site.ids.ward_september}/funnel.fr.svg").status_code == 404
    assert site_client.get("/snapshots/999999/funnel.en.svg").status_code == 404


def test_chart_in_a_language_is_cached_for_good(site, site_client):
    first = site_client.get(f"/snapshots/{site.ids.ward_september}/funnel.vi.svg")
    assert "immutable" in first.headers["Cache-Control"]
    again = site_client.get(
        f"/snapshots/{site.ids.ward_september}/funnel.vi.svg", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    english = site_client.get(f"/snapshots/{site.ids.ward_september}/funnel.en.svg")
    assert english.headers["ETag"] != first.headers["ETag"]


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
        (
            "en",
            [
                "In plain words",
                "never with itself",
                "Wilson score interval",
                "leave-one-out",
                "mid-p tails",
                "Rankability",
                "simultaneous rank sets",
                "Benjamini–Hochberg",
                "Reporting these numbers",
                "last of 296",
                "method 1.0.0",
                "4,000 random draws",
                "1.959964",
            ],
        ),
        (
            "vi",
            [
                "Nói một cách dễ hiểu",
                "không bao giờ so với chính nó",
                "khoảng Wilson",
                "loại trừ chính nó",
                "xác suất đuôi mid-p",
                "Khả năng xếp hạng",
                "tập thứ hạng đồng thời",
                "Benjamini–Hochberg",
                "Khi đưa tin về các con số này",
                "đứng cuối trong 296 cơ quan",
                "phương pháp 1.0.0",
                "4.000 lần rút ngẫu nhiên",
                "1,959964",
            ],
        ),
    ],
)
def test_methodology_in_plain_words_with_formulas(site_client, lang, phrases):
    page = site_client.get(f"/methodology?lang={lang}").text
    assert page.index(phrases[0]) < page.index("khoảng Wilson" if lang == "vi" else "Wilson score interval")
    for phrase in phrases:
        assert phrase in page, phrase
    formulas = re.findall(r"<pre[^>]*><code>(.*?)</code></pre>", page, re.S)
    assert len(formulas) >= 7
    text = html.unescape("\n".join(formulas))
    for formula in (
        "g_i = (X − x_i + ½) / (N − n_i + 1)",
        "L_i = P(X < x_i) + ½·P(X = x_i)",
        "x_i ~ BetaBinomial(n_i, m_i·M, (1 − m_i)·M)",
        "ρ = τ² / (τ² + median_i s_i²)",
        "z_ij = (y_j − y_i) / √(se_i² + se_j²)",
        "p_i = 2·Φ(−|z_i|)",
    ):
        assert formula in text, formula
    assert "winsor" not in text and "(I·φ − (I − 1))" not in page  # method 1 is described, not stated


def parameter_rows(page: str) -> dict[str, str]:
    table = page.split('<section aria-labelledby="parameters">')[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', table)
    return {html.unescape(name): html.unescape(value) for name, value in rows}


# Parameter row (English name) -> the MethodParams2 field(s) shown and their decimals.
PARAMETER_ROWS = {
    "z for 95% limits and intervals": (("z95", 6),),
    "z for 99.8% limits": (("z998", 6),),
    "Credible level of scores": (("credible_level", "%"),),
    "Level of rank ranges and rank sets": (("rank_level", "%"),),
    "Fewest answers to be ranked": (("min_rank_n", 0),),
    "Rankability needed to show ranks": (("rankability_threshold", 1),),
    "Pseudo-answers pulling a category toward the group (k)": (("casemix_shrink", 0),),
    "z of the limits inside which agencies set the spread": (("spread_exclude_z", 6),),
    "z of the limits for the final refit of the spread": (("spread_final_z", 6),),
    "Range of the prior strength M in the spread fit": (("spread_m_min", 1), ("spread_m_max", 0)),
    "Most rounds of the spread fit": (("spread_max_iter", 0),),
    "Range of M in the score grid": (("grid_m_min", 1), ("grid_m_max", 0)),
    "Grid values of M": (("grid_m_points", 0),),
    "Grid values of μ": (("grid_mu_points", 0),),
    "Width of the μ grid (standard errors each side)": (("grid_mu_width", 0),),
    "Power of the prior on M (density ∝ M to the minus this)": (("grid_prior_power", 1),),
    "Posterior mass kept by the grid": (("grid_keep_mass", 5),),
    "Prior weight on “agencies do not differ” (M = ∞)": (("prior_spike", 1),),
    "Prior weight on a uniform prior for each agency (ε)": (("prior_contamination", 2),),
    "Division of the group prior's strength (τ)": (("prior_temper", 2),),
    "False discovery rate for changes (q)": (("movement_q", 2),),
    "Fewest answers in both periods to test a change": (("movement_min_n", 0),),
    "Change used for power (δ)": (("movement_delta", 2),),
}


def parameter_values(page: str) -> list[str]:
    table = page.split('<section aria-labelledby="parameters">')[1].split("</table>")[0]
    return [html.unescape(v) for v in re.findall(r'<tr><th scope="row">.*?</th><td>(.*?)</td></tr>', table)]


def written(value: float, digits: int | str, lang: str) -> str:
    """A default as the reader expects it: 1.959964 / 1,959964, 10,000,000 / 10.000.000, 95%."""
    text = f"{value * 100:.0f}%" if digits == "%" else f"{value:,.{digits}f}"
    return text.translate(str.maketrans({",": ".", ".": ","})) if lang == "vi" else text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_methodology_parameters_are_the_stored_defaults_in_the_readers_format(site_client, lang):
    from ranking.v2 import MethodParams2

    defaults = MethodParams2()
    english = site_client.get("/methodology?lang=en").text
    names = [
        html.unescape(n) for n in re.findall(r'<tr><th scope="row">(.*?)</th>', english.split('id="parameters"')[1])
    ]
    values = dict(zip(names, parameter_values(site_client.get(f"/methodology?lang={lang}").text), strict=True))
    assert values["Counts shown as “*”"] == f"1–{defaults.suppress_below - 1}"
    for name, shown in PARAMETER_ROWS.items():
        want = " – ".join(written(getattr(defaults, field), digits, lang) for field, digits in shown)
        assert values[name] == want, name
    assert set(values) == set(PARAMETER_ROWS) | {"Counts shown as “*”"}
    assert ("1,959964" if lang == "vi" else "1.959964") in values["z for 95% limits and intervals"]
