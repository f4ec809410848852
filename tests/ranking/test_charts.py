"""Charts print the words and number format they are given, one language at a time."""

from __future__ import annotations

import math
import re

from ranking.charts import ENGLISH, ChartWords, caterpillar_svg, funnel_svg

# A made-up language: any word of the library's own would show up among these.
MARKED = ChartWords(
    responses="RESP",
    share_satisfied="SHARE",
    score="SCORE",
    ordered_agencies="ORDERED",
    nothing_shown="NOTHING",
    group_average="AVG",
    limits={"95": "LIM95", "998": "LIM998"},
    bands={code: f"BAND-{code}" for code in ("well_above", "above", "expected", "below", "well_below")},
    count=lambda value: f"n{value:.0f}",
    percent=lambda value: f"{value * 100:.0f} pc",
    percent_precise=lambda value: f"{value * 100:.1f} pc".replace(".", ","),
)


def texts(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.strip()]


def test_funnel_prints_only_the_words_it_is_given():
    svg = funnel_svg([40, 300, 900], [0.7, 0.92, 0.85], ["expected", "above", "well_below"], 0.88, 0.0, "TITLE", MARKED)
    words = texts(svg)
    for expected in ("TITLE", "RESP", "SHARE", "LIM95", "LIM998", "AVG 88,0 pc", "BAND-well_below", "90 pc", "n100"):
        assert expected in words
    assert not [w for w in words if "%" in w or "/" in w], "a tick or label escaped the given format"


def test_caterpillar_names_its_rows_and_leaves_out_missing_scores():
    nan = math.nan
    svg = caterpillar_svg(["Ward A", "Ward B", "Ward C"], [0.8, nan, 0.9], [0.7, nan, 0.85], [0.9, nan, 0.95],
                          ["below", None, "above"], "TITLE", MARKED)  # fmt: skip
    words = texts(svg)
    assert {"Ward A", "Ward C", "SCORE", "BAND-below", "BAND-above", "80 pc"} <= set(words)
    assert "Ward B" not in words


def test_default_words_are_plain_english():
    svg = funnel_svg([40, 300], [0.7, 0.92], ["expected", "above"], 0.88, 0.0, "T")
    assert ENGLISH.responses in svg and "99.8% limits" in svg and "Group average 88.0%" in svg


def test_an_empty_caterpillar_says_so_without_a_legend():
    words = texts(caterpillar_svg([], [], [], [], [], "TITLE", MARKED))
    assert "NOTHING" in words and not [w for w in words if w.startswith("BAND-")]
    assert ENGLISH.nothing_shown in caterpillar_svg([], [], [], [], [], "TITLE")
