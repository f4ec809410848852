"""Open data: CSV and JSON per snapshot, the index of snapshots, and the Atom feed."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"

# The published contract (DESIGN.md), then the figures every page shows (issue: pages the press can
# quote), written out so that dropping or renaming a column fails here.
OPEN_DATA_COLUMNS = [
    "agency_code", "agency_name", "peer_group", "period", "responses", "positive", "rate", "rate_low",
    "rate_high", "expected", "z", "band", "limit95_low", "limit95_high", "limit998_low", "limit998_high",
    "score", "score_low", "score_high", "rank", "rank_low", "rank_high", "suppressed", "ranked",
    "adjusted_rate", "rank_set_low", "rank_set_high", "ranked_count", "on_time_rate",
    "score_change", "score_change_low", "score_change_high", "score_change_significant", "parent_code",
    "parent_name",
    "response_rate", "coverage", "held", "voided", "assisted", "silence_rate",
    "share_sms", "share_qr", "share_tablet", "share_web",
]  # fmt: skip
CSV_EXTRA_COLUMNS = ["snapshot_id", "snapshot_hash", "method_version"]


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 (our own feed, produced by the app under test)


def test_csv_has_the_documented_columns_and_blanks_where_withheld(site, site_client):
    snapshot_id = site.ids.ward_september
    response = site_client.get(f"/snapshots/{snapshot_id}.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="snapshot-{snapshot_id}-ward-2026-09.csv"'
    )
    assert response.data.startswith("\ufeff".encode())  # Excel on Windows reads the names as UTF-8
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    assert reader.fieldnames == OPEN_DATA_COLUMNS + CSV_EXTRA_COLUMNS
    rows = {row["agency_code"]: row for row in reader}
    assert len(rows) == 12
    tiny = rows["Q3-P1"]
    assert tiny["suppressed"] == "1" and tiny["responses"] == "" and tiny["rate"] == "" and tiny["score"] == ""
    shown = rows["Q1-BN"]
    assert shown["responses"] == "200" and shown["positive"] == "170" and float(shown["score"]) > 0.8
    assert shown["rate"] == "0.85" and shown["parent_code"] and len(shown["score"].split(".")[1]) <= 4
    assert {row["snapshot_id"] for row in rows.values()} == {str(snapshot_id)}


def test_json_rows_have_exactly_the_open_data_fields(site, site_client):
    response = site_client.get(f"/snapshots/{site.ids.ward_september}.json")
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert set(document) == {"snapshot", "summary", "rows"}
    for row in document["rows"]:
        assert list(row) == OPEN_DATA_COLUMNS
    rows = {row["agency_code"]: row for row in document["rows"]}
    tiny = rows["Q3-P1"]
    withheld = ("responses", "positive", "rate", "rate_low", "rate_high", "z", "band", "score", "rank_low")
    assert tiny["suppressed"] is True and all(tiny[key] is None for key in withheld)
    assert rows["Q1-W1"]["band"] == "well_below"
    meta = document["snapshot"]
    assert meta["id"] == site.ids.ward_september and meta["supersedes"] == site.ids.ward_september_first
    assert len(meta["hash"]) == 64 and len(meta["previous_hash"]) == 64


def test_open_data_matches_the_page(site, site_client):
    """The page draws on the same stored figures as the files: no recomputation."""
    rows = {r["agency_code"]: r for r in site_client.get(f"/snapshots/{site.ids.ward_september}.json").json["rows"]}
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    [row] = [tr for tr in page.split("<tr>") if "Ward Q1-BN</a></th>" in tr]
    assert f"{rows['Q1-BN']['score'] * 100:.1f}%" in row
    low, high = rows["Q1-BN"]["rank_low"], rows["Q1-BN"]["rank_high"]
    assert (f"{int(low)}–{int(high)}" if low is not None else "not ranked") in row


def test_index_lists_every_snapshot_with_working_links(site, site_client):
    response = site_client.get("/data/index.json")
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    index = response.get_json()
    assert [s["id"] for s in index["snapshots"]] == [5, 4, 3, 2, 1]
    by_id = {s["id"]: s for s in index["snapshots"]}
    assert by_id[site.ids.ward_september_first]["superseded_by"] == site.ids.ward_september
    assert by_id[site.ids.ward_september]["superseded_by"] is None
    assert "funnel_svg" in by_id[site.ids.ward_september]["links"]
    assert "funnel_svg" not in by_id[site.ids.ward_august]["links"]
    for link in by_id[site.ids.ward_september]["links"].values():
        assert site_client.get(link.removeprefix("http://localhost")).status_code == 200, link
    assert index["links"]["feed"].endswith("/feed.atom")


def test_atom_feed_is_valid_atom(site, site_client):
    response = site_client.get("/feed.atom?lang=en")
    assert response.mimetype == "application/atom+xml"
    feed = parse(response.data)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/feed.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 5 and all(i.startswith("http://localhost/snapshots/") for i in ids)
    newest = entries[0]
    assert newest.findtext(f"{ATOM}id") == f"http://localhost/snapshots/{site.ids.ward_september}"
    assert newest.findtext(f"{ATOM}updated").endswith("Z")
    assert "correction" in newest.findtext(f"{ATOM}title")
    types = {link.get("type") for link in newest.findall(f"{ATOM}link")}
    assert types == {"text/html", "text/csv", "application/json"}


def test_feed_in_vietnamese(site_client):
    feed = parse(site_client.get("/feed.atom").data)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert "Phường" in feed.find(f"{ATOM}entry").findtext(f"{ATOM}title")


def test_json_is_plain_utf8(site, site_client):
    raw = site_client.get(f"/snapshots/{site.ids.ward_september}.json").data
    assert "Phường".encode() in raw
    json.loads(raw.decode("utf-8"))


def test_open_data_page_documents_every_column(site_client):
    page = site_client.get("/data?lang=en").text
    for column in OPEN_DATA_COLUMNS:
        assert f"<code>{column}</code>" in page
    assert 'href="/data/index.json"' in page and 'href="/api/v1/openapi.json"' in page


def test_time_series_per_peer_group_lists_every_period(site, site_client):
    page = site_client.get("/data?lang=en").text
    assert 'href="/data/series/ward.csv"' in page
    response = site_client.get("/data/series/ward.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    periods = sorted({row["period"] for row in rows})
    assert periods == ["2026-08", "2026-09"]
    # The September correction replaces the first September table: one row per agency and period.
    assert len({(row["agency_code"], row["period"]) for row in rows}) == len(rows)
    assert site_client.get("/data/series/no-such-group.csv").status_code == 404
