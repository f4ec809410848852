"""Published pages are cacheable: strong ETags, Cache-Control, Vary and 304 answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from survey.publication import publish
from tests.public.helpers import AFTER_SEPTEMBER, SEPTEMBER, build_small_site

LATEST = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"


def strong(etag: str) -> bool:
    return etag.startswith('"') and not etag.startswith("W/")


def test_league_table_is_cacheable_for_five_minutes_and_revalidates(site_client):
    first = site_client.get("/rankings/ward/2026-09")
    assert first.headers["Cache-Control"] == LATEST
    assert "Cookie" in first.headers["Vary"]
    etag = first.headers["ETag"]
    assert strong(etag)
    again = site_client.get("/rankings/ward/2026-09", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == LATEST


def english_reader(site):
    reader = site.client()
    reader.set_cookie("lang", "en")
    return reader


def test_etag_depends_on_language_and_query(site, site_client):
    vi = site_client.get("/rankings/ward/2026-09").headers["ETag"]
    en_response = english_reader(site).get("/rankings/ward/2026-09")
    assert '<html lang="en">' in en_response.text
    en = en_response.headers["ETag"]
    sorted_ = site_client.get("/rankings/ward/2026-09?sort=name").headers["ETag"]
    assert len({vi, en, sorted_}) == 3
    # the English copy is not served to a Vietnamese reader
    assert site_client.get("/rankings/ward/2026-09", headers={"If-None-Match": en}).status_code == 200


def test_superseded_snapshot_page_is_immutable(site, site_client):
    response = site_client.get(f"/snapshots/{site.ids.ward_september_first}")
    assert response.headers["Cache-Control"] == IMMUTABLE and strong(response.headers["ETag"])
    etag = response.headers["ETag"]
    again = site_client.get(f"/snapshots/{site.ids.ward_september_first}", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_current_snapshot_page_revalidates_until_superseded(site, site_client):
    # A later correction adds a "superseded by" notice, so the page may still change.
    response = site_client.get(f"/snapshots/{site.ids.ward_september}")
    assert response.headers["Cache-Control"] == LATEST


@pytest.mark.parametrize("suffix", [".csv", ".json", "/funnel.svg", "/caterpillar.svg"])
def test_snapshot_files_are_immutable(site, site_client, suffix):
    url = f"/snapshots/{site.ids.ward_september}{suffix}"
    response = site_client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    etag = response.headers["ETag"]
    assert strong(etag)
    # files do not depend on the language
    assert site_client.get(url + "?lang=en", headers={"If-None-Match": etag}).status_code in (200, 304)
    assert english_reader(site).get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("url", ["/", "/agencies/Q1-BN", "/archive", "/methodology", "/data", "/feed.atom"])
def test_other_pages_have_content_etags(site_client, url):
    response = site_client.get(url)
    assert response.headers["Cache-Control"] == LATEST and strong(response.headers["ETag"])
    again = site_client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_response_that_sets_the_language_cookie_is_private(site, site_client):
    response = site_client.get("/rankings/ward/2026-09?lang=en")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert response.headers["Cache-Control"] == "private, max-age=300"
    remembered = english_reader(site).get("/rankings/ward/2026-09?lang=en")
    assert "Set-Cookie" not in remembered.headers and remembered.headers["Cache-Control"] == LATEST


def test_a_correction_changes_the_latest_etag(client, db):
    build_small_site(charts=False)
    before = client.get("/rankings/district/2026-09").headers["ETag"]
    assert client.get("/rankings/district/2026-09", headers={"If-None-Match": before}).status_code == 304
    publish(
        SEPTEMBER,
        actor="test",
        now=AFTER_SEPTEMBER + timedelta(days=3),
        correction="recount",
        groups=["district"],
        render_charts=False,
    )
    response = client.get("/rankings/district/2026-09", headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before
    assert "This is a correction (revision 2)." in client.get("/rankings/district/2026-09?lang=en").text
