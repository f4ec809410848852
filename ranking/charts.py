"""Funnel and caterpillar plots as SVG text (matplotlib), rendered once at publication.

Arrays in, SVG out: no database and no Flask. Output is deterministic (fixed hash
salt, no date metadata) so the same snapshot always yields the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class ChartWords:
    """Every word and number a chart prints, in one language: the library translates nothing itself.

    The app builds one per locale (translated labels, the locale's percent format) so a chart
    reads like the page around it; the defaults are plain English for scripts and tests.
    """

    responses: str = "Responses"
    share_satisfied: str = "Share satisfied"
    score: str = "Score (share satisfied, adjusted)"
    ordered_agencies: str = "Agencies, ordered by score"
    group_average: str = "Group average"
    nothing_shown: str = "No agency to show"
    limits: Mapping[str, str] = field(default_factory=lambda: {"95": "95% limits", "998": "99.8% limits"})
    bands: Mapping[str, str] = field(
        default_factory=lambda: {
            "well_above": "Clearly better than peers",
            "above": "Better than peers",
            "expected": "Not clearly different from peers",
            "below": "Worse than peers",
            "well_below": "Clearly worse than peers",
        }
    )
    count: Callable[[float], str] = lambda value: f"{value:,.0f}"  # the funnel's axis of answers
    percent: Callable[[float], str] = lambda value: f"{value:.0%}"  # axis ticks
    percent_precise: Callable[[float], str] = lambda value: f"{value:.1%}"  # the group average


ENGLISH = ChartWords()


LABELLED_ROWS = 80


def _percent_axis(words: ChartWords) -> matplotlib.ticker.Formatter:
    return matplotlib.ticker.FuncFormatter(lambda value, _: words.percent(value))


def _legend(ax) -> None:
    # Outside the axes: the lower right is where large, low-scoring agencies are drawn.
    # An empty chart has nothing to explain (and matplotlib warns about an empty legend).
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)


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
    words: ChartWords = ENGLISH,
    limits: Callable[[np.ndarray, tuple[float, ...]], Mapping[float, tuple[np.ndarray, np.ndarray]]] | None = None,
) -> str:
    """Rate against responses with 95% and 99.8% limits around ``target``.

    ``limits(grid, zs)`` gives a method's own limits at each z of ``zs`` in one call
    (method 2's exact mid-p limits share one pass over the counts); without it, the
    arcsine limits of METHODOLOGY §5 with ``tau2`` are drawn.
    """
    n_arr = np.asarray(n, dtype=float)
    rate_arr = np.asarray(rate, dtype=float)
    keep = np.isfinite(n_arr) & np.isfinite(rate_arr) & (n_arr > 0)
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=100)
    if keep.any() and np.isfinite(target):
        grid = np.geomspace(max(1.0, n_arr[keep].min() * 0.8), n_arr[keep].max() * 1.25, 200)
        levels = ((Z95, "95", "--"), (Z998, "998", "-"))
        exact = limits(grid, tuple(z for z, _, _ in levels)) if limits else {}
        for z_c, key, style in levels:
            low, high = exact[z_c] if limits else funnel_limits(grid, target, tau2 or 0.0, z_c)
            label = words.limits[key]
            ax.plot(grid, low, style, color=LIMIT_COLOURS[key], linewidth=1, label=label)
            ax.plot(grid, high, style, color=LIMIT_COLOURS[key], linewidth=1)
        ax.axhline(target, color="#0b4f8a", linewidth=1, label=f"{words.group_average} {words.percent_precise(target)}")
    bands_arr = np.asarray([b or "expected" for b in bands])
    for band, (colour, marker) in BAND_STYLE.items():
        mask = keep & (bands_arr == band)
        if mask.any():
            ax.scatter(
                n_arr[mask], rate_arr[mask], s=18, color=colour, marker=marker, label=words.bands[band], zorder=3
            )
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: words.count(value)))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel(words.responses)
    ax.set_ylabel(words.share_satisfied)
    ax.set_title(title, y=1.0)  # a fixed place: automatic placement measures every tick label again
    ax.yaxis.set_major_formatter(_percent_axis(words))
    _legend(ax)
    ax.grid(alpha=0.3)
    return _svg(fig)


def caterpillar_svg(
    labels: Sequence[str],
    score: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    bands: Sequence[str | None],
    title: str,
    words: ChartWords = ENGLISH,
) -> str:
    """Each agency's score with its 95% credible interval, ordered by score (best at the top).

    Labels are printed beside each row up to ``LABELLED_ROWS`` rows; callers wanting a
    readable chart pass only the agencies a reader needs (the ranked or flagged ones).
    """
    score_arr = np.asarray(score, dtype=float)
    keep = np.flatnonzero(np.isfinite(score_arr))
    order = keep[np.argsort(score_arr[keep], kind="stable")]
    # About 0.22 inch a row: names stay legible and 40 rows fit in under a thousand pixels.
    height = min(max(2.5, 0.22 * len(order) + 1.3), 60.0)
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
            score_arr[chosen], positions[idx], color=colour, marker=marker, s=14, zorder=3, label=words.bands[band]
        )
    if len(order) <= LABELLED_ROWS:
        ax.set_yticks(positions, [labels[i] for i in order], fontsize=8)
        # No y label beside the names: a fixed place stops matplotlib measuring every name to place it.
        ax.yaxis.set_label_coords(0.0, 0.5)
    else:
        ax.set_yticks([])
        ax.set_ylabel(words.ordered_agencies)
    ax.set_ylim(-0.75, max(len(order) - 0.25, 0.75))
    ax.set_xlabel(words.score)
    ax.set_title(title, y=1.0)  # a fixed place: automatic placement measures every tick label again
    ax.xaxis.set_major_formatter(_percent_axis(words))
    if not len(order):
        ax.text(0.5, 0.5, words.nothing_shown, ha="center", va="center", transform=ax.transAxes)
    _legend(ax)
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)
