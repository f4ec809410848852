"""Before the first publication every public page still works and says so."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest


@pytest.mark.parametrize("url", ["/", "/archive", "/data", "/methodology", "/?lang=en"])
def test_pages_render_with_nothing_published(client, city, url):
    response = client.get(url)
    assert response.status_code == 200


def test_home_says_nothing_is_published_yet(client, city):
    assert "Nothing has been published yet." in client.get("/?lang=en").text


def test_open_data_is_empty_but_valid(client, city):
    assert client.get("/data/index.json").get_json()["snapshots"] == []
    feed = ET.fromstring(client.get("/feed.atom").data)  # noqa: S314 (our own feed)
    assert feed.find("{http://www.w3.org/2005/Atom}entry") is None


def test_no_table_before_the_first_publication(client, city):
    assert client.get("/rankings/ward").status_code == 404
    assert client.get("/rankings/ward/2026-09").status_code == 404
