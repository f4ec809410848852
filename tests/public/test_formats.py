"""Every public page speaks one language: its decimal separator, its dates, its words for stored codes."""

from __future__ import annotations

import html
import re

import pytest

from survey.extensions import db
from survey.models import Snapshot

# Text a reader sees: no markup, no code samples (field names and codes in <code> are meant literally).
HIDDEN = re.compile(r"(?s)<(script|style|code|head|title)[^>]*>.*?</\1>")
# Version numbers (method 2.0.0, OpenAPI 3.1) and loopback addresses are not decimals.
NOT_NUMBERS = re.compile(r"\b\d+\.\d+\.\d+(\.\d+)?\b|OpenAPI 3\.1|https?://\S+")
CODES = re.compile(r"\b(None|True|False|nan|null|well_below|well_above|ward|district|department)\b")
# English references are cited in English on both versions of the methodology.
ALLOWED_CODES = {"False discovery"}
DASHBOARD_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")


def visible_text(page: str) -> str:
    text = re.sub(r"(?s)<[^>]+>", "\n", HIDDEN.sub(" ", page))
    return NOT_NUMBERS.sub(" ", html.unescape(text))


def public_pages(site) -> list[str]:
    with site.app.app_context():
        ward = db.session.get(Snapshot, site.ids.ward_september)
        # The worst assessed agency of the table, looked up rather than named.
        worst = min((e for e in ward.entries if e.figures.get("score") is not None), key=lambda e: e.figures["score"])
        return [
            "/",
            f"/rankings/{ward.peer_group}/{ward.period}",
            f"/rankings/{ward.peer_group}/{ward.period}?sort=change",
            f"/snapshots/{ward.id}",
            f"/snapshots/{site.ids.ward_september_first}",
            f"/agencies/{worst.agency_code}",
            "/archive",
            "/methodology",
            "/data",
        ]


def problems(text: str, lang: str) -> list[str]:
    found = []
    # Vietnamese writes 84,1% and 1.959.964; English 84.1% and 1,959,964. A short group after the
    # other language's decimal mark is a decimal written the wrong way.
    wrong_decimal = r"(?<![\d.,])\d+\.\d{1,2}(?!\d)|\d\.\d{4,}" if lang == "vi" else r"(?<![\d.,])\d+,\d{1,2}(?!\d)"
    for match in re.finditer(wrong_decimal, text):
        found.append(f"decimal {match.group(0)!r} in …{text[max(0, match.start() - 40) : match.end() + 20]!r}")
    for match in re.finditer(r"(?<![\w−–])-\d", text):
        found.append(f"hyphen for minus in …{text[max(0, match.start() - 30) : match.end() + 10]!r}")
    for match in DASHBOARD_DATE.finditer(text):
        found.append(f"numeric date {match.group(0)!r}")
    for match in CODES.finditer(text):
        context = text[match.start() : match.end() + 12]
        if lang == "en" and match.group(0) in ("ward", "district", "department"):
            continue  # ordinary English words there
        if not any(context.startswith(allowed) for allowed in ALLOWED_CODES):
            found.append(f"stored code {match.group(0)!r} in …{text[max(0, match.start() - 40) : match.end() + 20]!r}")
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_public_pages_use_one_number_and_date_style_and_no_codes(site, site_client, lang):
    report = {}
    for path in public_pages(site):
        response = site_client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status_code == 200, path
        found = problems(visible_text(response.text), lang)
        if found:
            report[path] = found[:5]
    assert not report


def test_dates_are_written_the_language_s_way(site, site_client):
    vi = visible_text(site_client.get("/archive?lang=vi").text)
    en = visible_text(site_client.get("/archive?lang=en").text)
    assert re.search(r"\d{2}:\d{2} \d{1,2} tháng \d{1,2}, \d{4}", vi)
    assert re.search(r"(January|February|March|April|May|June|July|August|September|October|November|December) "
                     r"\d{1,2}, \d{4}, \d{2}:\d{2}", en)  # fmt: skip


def test_the_scan_catches_what_it_looks_for():
    assert problems("Điểm 1.959964 và 88.9%", "vi") and problems("Score 88,9%", "en")
    assert problems("ward None", "vi") and problems("change -2,1", "vi") and problems("on 01/12/2026", "en")
    assert not problems("88,9% · 1.184 câu trả lời · −2,1 điểm", "vi") and not problems("88.9% · 1,184 answers", "en")
