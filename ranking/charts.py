"""Funnel and caterpillar plots as SVG text (matplotlib), rendered once at publication.

Arrays in, SVG out: no database and no Flask. Output is deterministic (fixed hash
salt, no date metadata) so the same snapshot always yields the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt
import numpy as np

from ranking.funnel import funnel_limits
from ranking.stats import Z95, Z998

# Colours chosen for contrast on white and for colour-blind readers; markers also differ.
BAND_STYLE = {
    "well_above": ("#1d6b34", "^"),
    "above": ("#3f8f4f", "^"),
    "expected": ("#4a5360", "o"),
    "below": ("#b0501a", "v"),
    "well_below": ("#a4161a", "v"),
}
LIMIT_COLOURS = {"95": "#4a5360", "998": "#1b1f24"}

# A chart is stored once per snapshot and shown to readers in both languages, so its
# words are bilingual, Vietnamese first (the site's default), English second; the page
# around it (caption, text summary, data table) is translated as usual.
BAND_WORDS = {
    "well_above": "Tốt hơn rõ rệt so với nhóm / clearly better than peers",
    "above": "Tốt hơn so với nhóm / better than peers",
    "expected": "Không khác biệt rõ so với nhóm / not clearly different from peers",
    "below": "Kém hơn so với nhóm / worse than peers",
    "well_below": "Kém hơn rõ rệt so với nhóm / clearly worse than peers",
}
FUNNEL_TITLE = "Biểu đồ phễu / Funnel plot"
CATERPILLAR_TITLE = "Điểm và khoảng tin cậy 95% / Scores with 95% intervals"
RESPONSES = "Số câu trả lời / Responses"
SHARE_SATISFIED = "Tỷ lệ hài lòng / Share satisfied"
SCORE = "Điểm (tỷ lệ hài lòng, đã điều chỉnh theo quy mô) / Score (share satisfied, adjusted for size)"
ORDERED_AGENCIES = "Cơ quan, xếp theo điểm / Agencies, ordered by score"
LIMITS = {"95": "Giới hạn 95% / 95% limits", "998": "Giới hạn 99,8% / 99.8% limits"}
GROUP_AVERAGE = "Trung bình nhóm / group average"


def _svg(fig) -> str:
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "survey-snapshot", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def funnel_svg(
    n: Sequence[float],
    rate: Sequence[float],
    bands: Sequence[str | None],
    target: float,
    tau2: float,
    title: str,
    x_label: str = RESPONSES,
    y_label: str = SHARE_SATISFIED,
    limits: Callable[[np.ndarray, float], tuple[np.ndarray, np.ndarray]] | None = None,
) -> str:
    """Rate against responses with 95% and 99.8% limits around ``target``.

    ``limits(grid, z)`` gives a method's own limits (method 2's exact mid-p limits);
    without it, the arcsine limits of METHODOLOGY §5 with ``tau2`` are drawn.
    """
    n_arr = np.asarray(n, dtype=float)
    rate_arr = np.asarray(rate, dtype=float)
    keep = np.isfinite(n_arr) & np.isfinite(rate_arr) & (n_arr > 0)
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=100)
    if keep.any() and np.isfinite(target):
        grid = np.geomspace(max(1.0, n_arr[keep].min() * 0.8), n_arr[keep].max() * 1.25, 200)
        for z_c, key, style in ((Z95, "95", "--"), (Z998, "998", "-")):
            low, high = limits(grid, z_c) if limits else funnel_limits(grid, target, tau2 or 0.0, z_c)
            label = LIMITS[key]
            ax.plot(grid, low, style, color=LIMIT_COLOURS[key], linewidth=1, label=label)
            ax.plot(grid, high, style, color=LIMIT_COLOURS[key], linewidth=1)
        ax.axhline(target, color="#0b4f8a", linewidth=1, label=f"{GROUP_AVERAGE} {target:.1%}")
    bands_arr = np.asarray([b or "expected" for b in bands])
    for band, (colour, marker) in BAND_STYLE.items():
        mask = keep & (bands_arr == band)
        if mask.any():
            ax.scatter(n_arr[mask], rate_arr[mask], s=18, color=colour, marker=marker, label=BAND_WORDS[band], zorder=3)
    ax.set_xscale("log")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    # Outside the axes: the lower right is where large, low-scoring agencies are drawn.
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.grid(alpha=0.3)
    return _svg(fig)


def caterpillar_svg(
    labels: Sequence[str],
    score: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    bands: Sequence[str | None],
    title: str,
    x_label: str = SCORE,
) -> str:
    """Each agency's score with its 95% credible interval, ordered by score."""
    score_arr = np.asarray(score, dtype=float)
    keep = np.flatnonzero(np.isfinite(score_arr))
    order = keep[np.argsort(score_arr[keep], kind="stable")]
    height = min(max(3.0, 0.16 * len(order) + 1.2), 60.0)
    fig, ax = plt.subplots(figsize=(7.5, height), dpi=100)
    positions = np.arange(len(order))
    low_arr, high_arr = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    bands_arr = np.asarray([b or "expected" for b in bands])
    for band, (colour, marker) in BAND_STYLE.items():
        idx = [k for k, i in enumerate(order) if bands_arr[i] == band]
        if not idx:
            continue
        chosen = order[idx]
        ax.hlines(positions[idx], low_arr[chosen], high_arr[chosen], color=colour, linewidth=1.5)
        ax.scatter(
            score_arr[chosen], positions[idx], color=colour, marker=marker, s=14, zorder=3, label=BAND_WORDS[band]
        )
    if len(order) <= 60:
        ax.set_yticks(positions, [labels[i] for i in order], fontsize=7)
    else:
        ax.set_yticks([])
        ax.set_ylabel(ORDERED_AGENCIES)
    ax.set_xlabel(x_label)
    ax.set_title(title)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)
