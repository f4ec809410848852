"""The charts stored with a snapshot: rendered once, at publication, from its published figures."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ranking.v2.predictive import funnel_curve
from ranking.v2.variance import shifted
from survey.models import Snapshot


def render_snapshot_charts(snapshot: Snapshot) -> tuple[str, str]:
    """Funnel and caterpillar SVGs of the published (non-suppressed) figures."""
    # Imported here: matplotlib costs ~0.5 s and ~30 MB, which only publishing processes pay.
    from ranking.charts import CATERPILLAR_TITLE, FUNNEL_TITLE, caterpillar_svg, funnel_svg

    shown = [e for e in snapshot.entries if not e.suppressed and e.responses]
    title = f"{snapshot.peer_group} · {snapshot.period}"
    figure = [e.figures for e in shown]
    summary = snapshot.summary
    centre = summary["p_bar"] if summary["p_bar"] is not None else float("nan")
    limits = None
    if snapshot.method_version != "1.0.0" and math.isfinite(centre) and 0 < centre < 1:
        centre = float(shifted(np.array(centre), summary.get("band_shift") or 0.0))
        strength = summary.get("band_strength") or math.inf  # stored as null when infinite (no spread)

        def limits(grid: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
            # Exact limits exist for whole numbers of answers only.
            return funnel_curve(np.maximum(np.round(grid), 1.0), centre, strength, float(stats.norm.sf(z)))

    funnel = funnel_svg(
        [e.responses for e in shown],
        [f["adjusted_rate"] if f["adjusted_rate"] is not None else f["rate"] for f in figure],
        [f["band"] for f in figure],
        centre,
        summary["tau2"] or 0.0,
        f"{FUNNEL_TITLE}: {title}",
        limits=limits,
    )
    caterpillar = caterpillar_svg(
        [e.agency_code for e in shown],
        [f["score"] for f in figure],
        [f["score_low"] for f in figure],
        [f["score_high"] for f in figure],
        [f["band"] for f in figure],
        f"{CATERPILLAR_TITLE}: {title}",
    )
    return funnel, caterpillar
