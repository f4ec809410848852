"""Bad addresses and query parameters get a 404 or 400 page, never a 500."""

from __future__ import annotations

import pytest

NOT_FOUND = [
    "/rankings/ward/2026-07",  # nothing published for that month
    "/rankings/ward/2026-13",  # not a month
    "/rankings/ward/latest",
    "/rankings/ward/2026-Q5",
    "/rankings/parish/2026-09",  # unknown peer group
    "/rankings/parish",
    "/rankings/ward/2026-09?page=99999",
    "/rankings/ward/2026-09?page=2",  # 12 rows: one page only
    "/rankings/ward/2026-09?parent=NOPE",
    "/snapshots/999",
    "/snapshots/999.csv",
    "/snapshots/999.json",
    "/snapshots/999/funnel.svg",
    "/snapshots/1/histogram.svg",
    "/snapshots/abc",
    "/snapshots/0",
    "/snapshots/2147483648",  # past a 32-bit id: the database would raise "out of range"
    "/snapshots/90086444096974225408",  # past any integer column (found by schemathesis)
    "/snapshots/90086444096974225408.json",
    "/agencies/NOPE",
    "/archive?page=2",
    "/data?page=50",
]

BAD_REQUEST = [
    "/rankings/ward/2026-09?sort=colour",
    "/rankings/ward/2026-09?sort=score&order=sideways",
    "/rankings/ward/2026-09?band=terrible",
    "/rankings/ward/2026-09?page=0",
    "/rankings/ward/2026-09?page=abc",
    "/rankings/ward/2026-09?page=-1",
    "/rankings/ward/2026-09?page=1.5",
    "/rankings/ward/2026-09?page=%D9%A3",  # an Arabic-Indic digit is still not a page number
    "/rankings/ward/2026-09?page=99999999999999999999",
    "/rankings/ward/2026-09?q=" + "x" * 101,
    "/snapshots/1?sort=colour",
    "/archive?page=0",
    "/archive?page=abc",
    "/data?page=-3",
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_unknown_things_are_404_pages(site_client, url):
    response = site_client.get(url)
    assert response.status_code == 404, url
    assert response.mimetype == "text/html" and "<h1>" in response.text


@pytest.mark.parametrize("url", BAD_REQUEST)
def test_malformed_parameters_are_400_pages(site_client, url):
    response = site_client.get(url)
    assert response.status_code == 400, url
    assert response.mimetype == "text/html" and "<h1>" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/rankings/ward/2026-09?sort=&order=&band=&parent=&q=&page=",  # empty means default
        "/rankings/ward/2026-09?q=%00%FF<script>",
        "/rankings/ward/2026-09?lang=xx",
        "/rankings/ward/2026-09?sort=rank&order=desc&page=1",
        "/rankings/ward?period=2026-01&peer_group=x&_external=1&_scheme=ftp",
    ],
)
def test_odd_but_harmless_parameters_still_work(site_client, url):
    response = site_client.get(url)
    assert response.status_code in (200, 302), url
    assert "<script>" not in response.text
