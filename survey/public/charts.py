"""Geometry of the small inline SVGs (interval bars, sparklines) and the charts' text summaries.

The CSP forbids style attributes, so every shape is positioned with SVG presentation
attributes computed here; the templates only print numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from survey.models import SnapshotEntry
from survey.public.formatting import num, pct, pct_short
from survey.public.table import display_name
from survey.publication.charts import caterpillar_candidates, shown_in_caterpillar

BAR_WIDTH = 120
NAMES_LISTED = 10


@dataclass(frozen=True)
class Bar:
    """x positions (in a 0..BAR_WIDTH box) of an interval, its point estimate and the target."""

    low: float
    width: float
    point: float
    target: float | None


def _x(value: float, domain: tuple[float, float], width: float = BAR_WIDTH) -> float:
    low, high = domain
    share = (value - low) / (high - low) if high > low else 0.0
    return round(min(max(share, 0.0), 1.0) * width, 1)


def interval_bar(entry: SnapshotEntry, domain: tuple[float, float], target: float | None) -> Bar | None:
    figures = entry.figures
    if figures.get("score") is None or figures.get("score_low") is None or figures.get("score_high") is None:
        return None
    low, high = _x(figures["score_low"], domain), _x(figures["score_high"], domain)
    in_range = target is not None and domain[0] <= target <= domain[1]
    return Bar(
        low=low,
        width=max(round(high - low, 1), 1.0),
        point=_x(figures["score"], domain),
        target=_x(target, domain) if in_range else None,
    )


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    floor: float  # bottom of the scale (the top is 100%)
    points: str  # "x,y x,y ..." for <polyline>
    dots: list[tuple[float, float]]
    whiskers: list[tuple[float, float, float]]  # x, y_low, y_high
    target_y: float | None


def sparkline(
    scores: list[tuple[float, float, float]], target: float | None, width: int = 320, height: int = 96
) -> Sparkline | None:
    """Scores (oldest first) as (score, low, high), on a scale from the lowest interval (in 10% steps) to 100%."""
    if len(scores) < 2:
        return None
    floor = min(math.floor(min(low for _, low, _ in scores) * 10) / 10, 0.8)
    pad = 6

    def y(value: float) -> float:
        share = (min(max(value, floor), 1.0) - floor) / (1.0 - floor)
        return round(height - pad - share * (height - 2 * pad), 1)

    step = (width - 2 * pad) / (len(scores) - 1)
    xs = [round(pad + i * step, 1) for i in range(len(scores))]
    return Sparkline(
        width=width,
        height=height,
        floor=floor,
        points=" ".join(f"{x},{y(s)}" for x, (s, _, _) in zip(xs, scores, strict=True)),
        dots=[(x, y(s)) for x, (s, _, _) in zip(xs, scores, strict=True)],
        whiskers=[(x, y(low), y(high)) for x, (_, low, high) in zip(xs, scores, strict=True)],
        target_y=y(target) if target is not None and target >= floor else None,
    )


def _names(entries: list[SnapshotEntry], locale: str) -> str:
    names = [display_name(e, locale) for e in entries[:NAMES_LISTED]]
    extra = len(entries) - len(names)
    text = ", ".join(names)
    if extra:
        text += " " + ngettext("and %(num)d more", "and %(num)d more", extra)
    return text


def funnel_summary(entries: list[SnapshotEntry], locale: str) -> list[str]:
    """Sentences saying what the funnel plot shows: who lies outside which limit."""
    assessed = [e for e in entries if e.figures.get("band")]
    total = len(assessed)
    if not total:
        return [_("No agency had enough answers to be assessed.")]

    def of(band: str) -> list[SnapshotEntry]:
        return sorted((e for e in assessed if e.figures["band"] == band), key=lambda e: e.figures.get("z") or 0.0)

    wide, narrow = pct_short(0.998), pct_short(0.95)
    well_below, below, above, well_above = of("well_below"), of("below"), of("above"), of("well_above")
    sentences = [
        ngettext(
            "%(num)d of %(total)d agencies is below the %(limit)s limit (clearly worse than peers)",
            "%(num)d of %(total)d agencies are below the %(limit)s limit (clearly worse than peers)",
            len(well_below),
            total=total,
            limit=wide,
        )
        + (": " + _names(well_below, locale) if well_below else "")
        + "."
    ]
    if below:
        sentences.append(
            ngettext(
                "%(num)d more is below the %(limit)s limit only (worse than peers).",
                "%(num)d more are below the %(limit)s limit only (worse than peers).",
                len(below),
                limit=narrow,
            )
        )
    if above:
        sentences.append(
            ngettext(
                "%(num)d is above the %(limit)s limit only (better than peers).",
                "%(num)d are above the %(limit)s limit only (better than peers).",
                len(above),
                limit=narrow,
            )
        )
    if well_above:
        sentences.append(
            ngettext(
                "%(num)d is above the %(limit)s limit (clearly better than peers)",
                "%(num)d are above the %(limit)s limit (clearly better than peers)",
                len(well_above),
                limit=wide,
            )
            + ": "
            + _names(list(reversed(well_above)), locale)
            + "."
        )
    hidden = len(entries) - total
    if hidden:
        sentences.append(
            ngettext(
                "%(num)d agency is not shown because it had too few answers.",
                "%(num)d agencies are not shown because they had too few answers.",
                hidden,
            )
        )
    return sentences


def caterpillar_summary(entries: list[SnapshotEntry], locale: str) -> list[str]:
    """Sentences saying what the caterpillar plot shows: the range of scores and the widest interval."""
    scored = [e for e in entries if e.figures.get("score") is not None and e.figures.get("score_low") is not None]
    if not scored:
        return [_("No agency had enough answers to be scored.")]
    shown = len(shown_in_caterpillar(entries))
    candidates = len(caterpillar_candidates(entries))
    best = max(scored, key=lambda e: e.figures["score"])
    worst = min(scored, key=lambda e: e.figures["score"])
    widest = max(scored, key=lambda e: e.figures["score_high"] - e.figures["score_low"])
    return [
        _(
            "Scores run from %(low)s (%(low_name)s) to %(high)s (%(high_name)s).",
            low=pct(worst.figures["score"]),
            low_name=display_name(worst, locale),
            high=pct(best.figures["score"]),
            high_name=display_name(best, locale),
        ),
        _(
            "The widest interval, %(low)s to %(high)s, belongs to %(name)s: fewer answers mean less certainty.",
            low=pct(widest.figures["score_low"]),
            high=pct(widest.figures["score_high"]),
            name=display_name(widest, locale),
        ),
        _(
            "The chart names %(num)s of %(total)s agencies: the %(half)s highest and the %(half)s lowest scores "
            "of the ranked ones and those clearly different from peers. The table lists them all.",
            num=num(shown),
            total=num(len(scored)),
            half=num(shown // 2),
        )
        if shown < candidates
        else ngettext(
            "The chart names %(num)d of %(total)d agencies: the ranked ones and those clearly different from peers.",
            "The chart names %(num)d of %(total)d agencies: the ranked ones and those clearly different from peers.",
            shown,
            total=len(scored),
        )
        if shown < len(scored)
        else _("The chart names every scored agency."),
    ]
