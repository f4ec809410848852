"""Which agencies the caterpillar chart draws: all the ranked or clearly different ones, at most 60."""

from __future__ import annotations

from survey.models import SnapshotEntry
from survey.public.charts import caterpillar_summary
from survey.publication.charts import CATERPILLAR_MAX_ROWS, caterpillar_candidates, shown_in_caterpillar


def entry(code: str, score: float, *, ranked: bool = True, band: str = "expected") -> SnapshotEntry:
    figures = {"score": score, "score_low": score - 0.02, "score_high": score + 0.02, "band": band}
    return SnapshotEntry(
        agency_code=code, agency_name=code, suppressed=False, ranked=ranked, responses=500, figures=figures
    )


def test_a_small_group_shows_every_ranked_or_flagged_agency():
    entries = [entry(f"A{i}", 0.8 + i / 1000) for i in range(40)] + [entry("U", 0.7, ranked=False)]
    assert shown_in_caterpillar(entries) == entries[:40]


def test_a_large_group_shows_the_highest_and_lowest_scores_only(app):
    entries = [entry(f"A{i:04d}", 0.5 + i / 10000) for i in range(4700)]
    shown = shown_in_caterpillar(entries)
    assert len(shown) == CATERPILLAR_MAX_ROWS == 60
    assert [e.agency_code for e in shown] == [f"A{i:04d}" for i in (*range(30), *range(4670, 4700))]
    assert len(caterpillar_candidates(entries)) == 4700
    with app.test_request_context("/?lang=en"):
        sentence = caterpillar_summary(entries, "en")[-1]
    assert sentence.startswith("The chart names 60 of 4,700 agencies: the 30 highest and the 30 lowest")
