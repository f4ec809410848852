"""A snapshot's charts in one language, drawn from its published figures.

Publication stores one copy in the site's default language; the public pages ask for
the reader's language, drawn on first request and then cached (the figures never change).
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

import numpy as np
from babel.numbers import format_decimal, format_percent
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from scipy import stats

from ranking.v2.predictive import funnel_curves
from ranking.v2.variance import shifted
from survey.models import Snapshot, SnapshotEntry
from survey.vocabulary import BAND_LABELS, FLAG_BANDS

if TYPE_CHECKING:
    from ranking.charts import ChartWords

# pyplot keeps global state: a request thread drawing a chart for a reader and the scheduler
# drawing a new snapshot's must take turns.
_DRAWING = threading.Lock()
# Bump when the drawing changes, so cached copies of the per-language charts are replaced.
CHART_VERSION = "charts-3"


def chart_words(locale: str) -> ChartWords:
    """The charts' labels translated into ``locale``, with its number format (95% / 99,8%; 1,000 / 1.000)."""
    from ranking.charts import ChartWords

    def percent(value: float) -> str:
        return format_percent(value, "#,##0.#%", locale=locale)

    with force_locale(locale):
        return ChartWords(
            responses=_("Number of answers (log scale)"),
            share_satisfied=_("Share satisfied, adjusted for case mix"),
            score=_("Score: share satisfied, adjusted, with its %(level)s interval", level=percent(0.95)),
            ordered_agencies=_("Agencies, ordered by score"),
            group_average=_("Group average"),
            nothing_shown=_("No agency is ranked or clearly different from its peers."),
            limits={
                "95": _("%(limit)s limits", limit=percent(0.95)),
                "998": _("%(limit)s limits", limit=percent(0.998)),
            },
            bands={code: str(label) for code, label in BAND_LABELS.items()},
            count=lambda value: format_decimal(round(value), "#,##0", locale=locale),
            percent=lambda value: format_percent(value, "#,##0%", locale=locale),
            percent_precise=lambda value: format_percent(value, "#,##0.0%", locale=locale),
        )


# At most this many rows, half from each end: a chart of thousands of rows (a large group
# where nearly every agency is ranked) can be neither read nor labelled, and drawing it took
# seconds of every publication (issue 16).
CATERPILLAR_MAX_ROWS = 60


def caterpillar_candidates(entries: list[SnapshotEntry]) -> list[SnapshotEntry]:
    """The agencies a reader needs in the chart: the ranked ones and any clearly different from peers."""
    return [
        e
        for e in entries
        if not e.suppressed
        and e.figures.get("score") is not None
        and (e.ranked or e.figures.get("band") in FLAG_BANDS or e.figures.get("band") in ("above", "well_above"))
    ]


def shown_in_caterpillar(entries: list[SnapshotEntry]) -> list[SnapshotEntry]:
    """The rows drawn: the candidates, or the highest and lowest scores among them when there are too many.

    A chart of every ward (~300 rows) is too tall to scan and too small to label; the full
    list stays in the table, which the caption links to.
    """
    candidates = caterpillar_candidates(entries)
    if len(candidates) <= CATERPILLAR_MAX_ROWS:
        return candidates
    half = CATERPILLAR_MAX_ROWS // 2
    by_score = sorted(candidates, key=lambda e: (e.figures["score"], e.agency_code))
    kept = {id(e) for e in (*by_score[:half], *by_score[-half:])}
    return [e for e in candidates if id(e) in kept]


def _title(kind: str, snapshot: Snapshot, locale: str) -> str:
    # Imported here: survey.public imports this package at start-up.
    from survey.public.formatting import period_label
    from survey.vocabulary import PEER_GROUPS

    group = str(PEER_GROUPS.get(snapshot.peer_group, snapshot.peer_group))
    with force_locale(locale):
        period = period_label(snapshot.period)
    if kind == "funnel":
        return _("Funnel plot: %(group)s, %(period)s", group=group, period=period)
    level = format_percent(0.95, "#,##0%", locale=locale)
    return _("Scores with %(level)s intervals: %(group)s, %(period)s", level=level, group=group, period=period)


def _name(entry: SnapshotEntry, locale: str) -> str:
    return entry.agency_name_en if locale == "en" and entry.agency_name_en else entry.agency_name


def render_chart(snapshot: Snapshot, kind: str, locale: str) -> str:
    """One chart of a snapshot as SVG text, every word and number in ``locale``."""
    with _DRAWING:
        return _draw(snapshot, kind, locale)


def _draw(snapshot: Snapshot, kind: str, locale: str) -> str:
    # Imported here: matplotlib costs ~0.5 s and ~30 MB, paid only by processes that draw.
    from ranking.charts import caterpillar_svg, funnel_svg

    words = chart_words(locale)
    with force_locale(locale):
        title = _title(kind, snapshot, locale)
    if kind == "caterpillar":
        rows = shown_in_caterpillar(snapshot.entries)
        figure = [e.figures for e in rows]
        return caterpillar_svg(
            [_name(e, locale) for e in rows],
            [f["score"] for f in figure],
            [f["score_low"] for f in figure],
            [f["score_high"] for f in figure],
            [f["band"] for f in figure],
            title,
            words,
        )

    shown = [e for e in snapshot.entries if not e.suppressed and e.responses]
    figure = [e.figures for e in shown]
    summary = snapshot.summary
    centre = summary["p_bar"] if summary["p_bar"] is not None else float("nan")
    limits = None
    if snapshot.method_version != "1.0.0" and math.isfinite(centre) and 0 < centre < 1:
        centre = float(shifted(np.array(centre), summary.get("band_shift") or 0.0))
        strength = summary.get("band_strength") or math.inf  # stored as null when infinite (no spread)

        def limits(grid: np.ndarray, zs: tuple[float, ...]) -> dict[float, tuple[np.ndarray, np.ndarray]]:
            # Exact limits exist for whole numbers of answers only.
            tails = {z: float(stats.norm.sf(z)) for z in zs}
            curves = funnel_curves(np.maximum(np.round(grid), 1.0), centre, strength, tuple(tails.values()))
            return {z: curves[tail] for z, tail in tails.items()}

    return funnel_svg(
        [e.responses for e in shown],
        [f["adjusted_rate"] if f["adjusted_rate"] is not None else f["rate"] for f in figure],
        [f["band"] for f in figure],
        centre,
        summary["tau2"] or 0.0,
        title,
        words,
        limits=limits,
    )


def load_chart_library() -> None:
    """Import matplotlib now: a process that publishes pays its ~0.5 s once at start, not inside a publication."""
    import ranking.charts  # noqa: F401


def render_snapshot_charts(snapshot: Snapshot, locale: str | None = None) -> tuple[str, str]:
    """Funnel and caterpillar SVGs of the published (non-suppressed) figures, in ``locale`` (default: the site's)."""
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return render_chart(snapshot, "funnel", locale), render_chart(snapshot, "caterpillar", locale)
