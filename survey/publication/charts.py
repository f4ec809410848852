"""The charts stored with a snapshot: rendered once, at publication, from its published figures."""

from __future__ import annotations

from survey.models import Snapshot


def render_snapshot_charts(snapshot: Snapshot) -> tuple[str, str]:
    """Funnel and caterpillar SVGs of the published (non-suppressed) figures."""
    # Imported here: matplotlib costs ~0.5 s and ~30 MB, which only publishing processes pay.
    from ranking.charts import CATERPILLAR_TITLE, FUNNEL_TITLE, caterpillar_svg, funnel_svg

    shown = [e for e in snapshot.entries if not e.suppressed and e.responses]
    title = f"{snapshot.peer_group} · {snapshot.period}"
    figure = [e.figures for e in shown]
    funnel = funnel_svg(
        [e.responses for e in shown],
        [f["adjusted_rate"] if f["adjusted_rate"] is not None else f["rate"] for f in figure],
        [f["band"] for f in figure],
        snapshot.summary["p_bar"] if snapshot.summary["p_bar"] is not None else float("nan"),
        snapshot.summary["tau2"] or 0.0,
        f"{FUNNEL_TITLE}: {title}",
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
