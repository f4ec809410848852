"""Charts are stored once per snapshot and read in both languages: their words are bilingual."""

from __future__ import annotations

import math

from ranking.charts import caterpillar_svg, funnel_svg


def test_funnel_words_are_vietnamese_and_english():
    svg = funnel_svg([40, 300, 900], [0.7, 0.92, 0.85], ["expected", "above", "well_below"], 0.88, 0.0, "T")
    for words in ("Số câu trả lời", "Responses", "Tỷ lệ hài lòng", "Share satisfied", "Giới hạn 95%", "95% limits"):
        assert words in svg
    assert "Kém hơn rõ rệt so với nhóm / clearly worse than peers" in svg


def test_caterpillar_words_are_vietnamese_and_english_and_nan_scores_are_left_out():
    svg = caterpillar_svg(["A", "B", "C"], [0.8, math.nan, 0.9], [0.7, math.nan, 0.85], [0.9, math.nan, 0.95],
                          ["below", None, "above"], "T")  # fmt: skip
    assert "Điểm (tỷ lệ hài lòng" in svg and "Score (share satisfied" in svg
    assert "Tốt hơn so với nhóm / better than peers" in svg
    assert ">B<" not in svg
