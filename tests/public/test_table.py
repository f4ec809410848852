"""League-table logic without HTTP: parameter parsing, sorting, filtering and pages."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import BadRequest, NotFound

from survey.models import SnapshotEntry
from survey.public.table import PER_PAGE, TableQuery, arrange, fold, paginate, scale


def entry(code: str, score: float | None, *, band: str | None = "expected", responses: int | None = 50, parent=None):
    figures = {
        "score": score,
        "score_low": None if score is None else score - 0.05,
        "score_high": None if score is None else score + 0.05,
        "band": band,
        "rank_low": None,
        "rank_high": None,
        "on_time_rate": 0.9,
    }
    return SnapshotEntry(
        agency_code=code,
        agency_name=f"Phường {code}",
        agency_name_en=f"Ward {code}",
        parent_code=parent,
        suppressed=score is None,
        ranked=False,
        responses=responses,
        figures=figures,
    )


def test_defaults():
    query = TableQuery.from_args({})
    assert (query.sort, query.order, query.page, query.band) == ("score", "desc", 1, None)
    assert query.args() == {}


@pytest.mark.parametrize(
    "args",
    [{"sort": "x"}, {"order": "up"}, {"band": "bad"}, {"page": "0"}, {"page": "a"}, {"page": "1e3"}, {"q": "x" * 101}],
)
def test_bad_arguments_are_bad_requests(args):
    with pytest.raises(BadRequest):
        TableQuery.from_args(args)


def test_sort_links_flip_the_direction_of_the_current_column():
    query = TableQuery.from_args({"sort": "name", "band": "below", "page": "3"})
    assert query.sort_link("name") == {"sort": "name", "order": "desc", "band": "below"}
    assert query.sort_link("score") == {"band": "below"}  # score, desc: the defaults
    assert query.aria_sort("name") == "ascending" and query.aria_sort("score") is None


def test_missing_values_sort_last_in_both_directions():
    rows = [entry("A", 0.7), entry("B", None, band=None, responses=None), entry("C", 0.9)]
    for order in ("asc", "desc"):
        arranged = arrange(rows, TableQuery(sort="score", order=order), "vi")
        assert arranged[-1].agency_code == "B"


def test_band_sort_puts_the_worst_first():
    rows = [entry("A", 0.8, band="above"), entry("B", 0.5, band="well_below"), entry("C", 0.7, band="expected")]
    assert [e.agency_code for e in arrange(rows, TableQuery(sort="band", order="asc"), "en")] == ["B", "C", "A"]


def test_search_ignores_accents_and_case():
    assert fold("Phường Bến Nghé") == "phuong ben nghe"
    rows = [entry("BN", 0.8), entry("DK", 0.8)]
    assert [e.agency_code for e in arrange(rows, TableQuery(q="PHUONG bn"), "vi")] == ["BN"]


def test_pages_of_fifty_and_404_past_the_end():
    rows = [entry(f"W{i:03d}", 0.5 + i / 1000, parent="D1" if i % 2 else "D2") for i in range(120)]
    last = paginate(rows, TableQuery(page=3), "vi")
    assert (last.first, last.last, last.pages, len(last.rows)) == (101, 120, 3, 20)
    assert last.parents == ["D1", "D2"]
    with pytest.raises(NotFound):
        paginate(rows, TableQuery(page=4), "vi")
    with pytest.raises(NotFound):
        paginate(rows, TableQuery(parent="D9"), "vi")
    assert PER_PAGE == 50


def test_empty_filter_result_is_one_empty_page():
    page = paginate([entry("A", 0.8)], TableQuery(band="well_below"), "vi")
    assert page.rows == [] and page.pages == 1 and page.total == 0


def test_bar_scale_starts_below_the_lowest_interval():
    assert scale([entry("A", 0.72), entry("B", 0.95)]) == (0.6, 1.0)
    assert scale([]) == (0.0, 1.0)


def test_a_table_published_without_ranks_opens_by_band_best_first_then_by_name():
    query = TableQuery.from_args({}, bands_only=True)
    assert (query.sort, query.order) == ("band", "desc") and query.args() == {}
    entries = [
        entry("C", 0.95, band="expected"),
        entry("A", 0.70, band="below"),
        entry("B", 0.80, band="expected"),
        entry("D", 0.60, band="above"),
    ]
    assert [e.agency_code for e in arrange(entries, query, "vi")] == ["D", "B", "C", "A"]
    # The band column's link flips the direction; sorting by score is one click away and kept in links.
    assert query.sort_link("band") == {"order": "asc"}
    assert query.sort_link("score") == {"sort": "score"}
    by_score = TableQuery.from_args({"sort": "score"}, bands_only=True)
    assert (by_score.order, by_score.args()) == ("desc", {"sort": "score"})
