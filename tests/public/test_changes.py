"""Changes since the previous period: a sortable column, and a page of the largest significant ones."""

from __future__ import annotations

import re

import pytest

from survey.extensions import db
from survey.models import Snapshot
from survey.public.table import change_of


def table_order(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/agencies/([^"?]+)', page)


def changes_by_code(site) -> dict[str, float | None]:
    with site.app.app_context():
        ward = db.session.get(Snapshot, site.ids.ward_september)
        return {e.agency_code: change_of(e) for e in ward.entries}


def test_change_column_sorts_largest_rise_first_then_largest_fall_first(site, site_client):
    changes = changes_by_code(site)
    measured = sorted((c for c in changes.values() if c is not None), reverse=True)
    assert len(measured) >= 3, "the small site needs changes to sort"
    page = site_client.get("/rankings/ward/2026-09?sort=change&lang=en").text
    shown = [changes[code] for code in table_order(page)]
    assert shown[: len(measured)] == measured and all(c is None for c in shown[len(measured) :])
    assert 'aria-sort="descending"' in page and "sort=change&amp;order=asc" in page

    rising = site_client.get("/rankings/ward/2026-09?sort=change&order=asc&lang=en").text
    assert [changes[code] for code in table_order(rising)][: len(measured)] == sorted(measured)


def test_change_header_is_a_sort_link_without_javascript(site, site_client):
    page = site_client.get("/rankings/ward/2026-09?lang=en").text
    assert re.search(r'<a href="/rankings/ward/2026-09\?sort=change[^"]*">Change since previous period</a>', page)


def test_latest_changes_goes_to_the_newest_period_of_the_kind(site, site_client):
    response = site_client.get("/changes?kind=month&lang=en")
    assert response.status_code == 302 and response.headers["Location"].endswith("/changes/2026-09?lang=en")
    # The small site publishes months only: no quarter yet.
    assert "Nothing has been published yet." in site_client.get("/changes?lang=en").text


def test_changes_page_lists_only_significant_changes_largest_first(site, site_client):
    with site.app.app_context():
        entries = [e for s in db.session.query(Snapshot).filter_by(period="2026-09") for e in s.entries]
        current = {site.ids.ward_september, site.ids.district_september}
        significant = {
            e.agency_code: e.figures["movement"]["change"]
            for e in entries
            if e.snapshot_id in current and change_of(e) is not None and e.figures["movement"].get("significant")
        }
    assert significant, "the small site needs a significant change to list"
    page = site_client.get("/changes/2026-09?lang=en").text
    assert "Largest changes: September 2026" in page
    listed = table_order(page)
    assert sorted(listed) == sorted(significant)
    rises = [significant[c] for c in listed if significant[c] > 0]
    assert rises == sorted(rises, reverse=True)
    assert "sort=change" in page and "not that it meets the 90% target" in page


@pytest.mark.parametrize(
    ("path", "status"),
    [("/changes/2026-13", 404), ("/changes/nonsense", 404), ("/changes/2025-01", 404), ("/changes?kind=year", 400)],
)
def test_bad_changes_addresses_are_refused(site_client, path, status):
    assert site_client.get(path).status_code == status
