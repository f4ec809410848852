"""Published snapshots for the public-site tests, built through the app's own code paths.

Cases and responses come from ``tests.factories``; ``publish`` writes the snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import insert, select

from ranking.periods import parse_period
from survey.extensions import db
from survey.models import Agency, ImportedCount
from survey.publication import publish
from tests import factories

AUGUST = parse_period("2026-08")
SEPTEMBER = parse_period("2026-09")
IN_AUGUST = datetime(2026, 8, 14, 3, 0, tzinfo=UTC)
IN_SEPTEMBER = datetime(2026, 9, 15, 3, 0, tzinfo=UTC)
AFTER_AUGUST = datetime(2026, 9, 2, tzinfo=UTC)
AFTER_SEPTEMBER = datetime(2026, 10, 2, tzinfo=UTC)

# Extra wards so the funnel has enough agencies to single one out.
EXTRA_WARDS = {"Q1": ("Q1-W1", "Q1-W2", "Q1-W3", "Q1-W4"), "Q3": ("Q3-W1", "Q3-W2", "Q3-W3")}
# (satisfied, dissatisfied) per ward in September; Q3-P1 is tiny, so it and a sibling are withheld.
SEPTEMBER_WARDS = {
    "Q1-BN": (170, 30),
    "Q1-DK": (88, 12),
    "Q1-TD": (130, 20),
    "Q1-W1": (40, 160),  # far below its peers: well_below
    "Q1-W2": (85, 15),
    "Q1-W3": (35, 5),  # low response rate (see INVITED_ONLY)
    "Q1-W4": (172, 28),
    "Q3-P1": (3, 0),
    "Q3-P2": (20, 6),
    "Q3-W1": (160, 40),
    "Q3-W2": (90, 20),
    "Q3-W3": (44, 6),
}
AUGUST_WARDS = {code: (s, d) for code, (s, d) in SEPTEMBER_WARDS.items() if code != "Q1-BN"} | {
    "Q1-BN": (190, 10),  # 95% in August, 85% in September: a significant fall
    "Q1-W1": (150, 50),
}
INVITED_ONLY = {"Q1-W3": 400}  # invitations nobody answered: a response rate under 10%
LATE = {"Q1-TD": 60}  # cases completed after their due date


@dataclass(frozen=True)
class SmallSite:
    ward_august: int
    ward_september_first: int  # superseded by the correction below
    ward_september: int
    district_september: int


def add_extra_wards() -> None:
    for parent_code, codes in EXTRA_WARDS.items():
        parent = db.session.scalar(select(Agency).where(Agency.code == parent_code))
        for code in codes:
            factories.agency(code, "ward", parent)
    db.session.commit()


def fill_month(counts: dict[str, tuple[int, int]], moment: datetime) -> None:
    for code, (good, bad) in counts.items():
        answer(code, good, bad, moment, invited_only=INVITED_ONLY.get(code, 0), late=LATE.get(code, 0))
    # Districts are their own peer group (two agencies: Jeffreys' prior).
    answer("Q1", 40, 10, moment)
    answer("Q3", 30, 20, moment)


def answer(agency_code: str, satisfied: int, dissatisfied: int, moment: datetime, **options: int) -> None:
    """Cases answered in the period, every invitation issued in it (so response rates count)."""
    factories.responses(
        agency_code, satisfied, dissatisfied, moment, prefix="P", invited_when_submitted=True, **options
    )


def created(results) -> dict[str, int]:
    return {r.peer_group: r.snapshot_id for r in results if r.created}


def build_small_site(charts: bool = True) -> SmallSite:
    """August and September for wards and districts, plus a correction of September's wards."""
    factories.small_city()
    add_extra_wards()
    fill_month(AUGUST_WARDS, IN_AUGUST)
    fill_month(SEPTEMBER_WARDS, IN_SEPTEMBER)
    august = created(publish(AUGUST, actor="test", now=AFTER_AUGUST, render_charts=False))
    september = created(publish(SEPTEMBER, actor="test", now=AFTER_SEPTEMBER, render_charts=charts))
    corrected = created(
        publish(
            SEPTEMBER,
            actor="test",
            now=AFTER_SEPTEMBER + timedelta(days=1),
            correction="late batch from a case system",
            groups=["ward"],
            render_charts=charts,
        )
    )
    return SmallSite(
        ward_august=august["ward"],
        ward_september_first=september["ward"],
        ward_september=corrected["ward"],
        district_september=september["district"],
    )


def build_big_ward_table(wards: int = 300, districts: int = 22, charts: bool = False, seed: int = 7) -> int:
    """A peer group of ``wards`` wards with imported counts (fast), published for September 2026."""
    rng = np.random.default_rng(seed)
    parents = [factories.agency(f"D{d:02d}", "district", name=f"Quận {d}") for d in range(1, districts + 1)]
    db.session.flush()
    wards_made = [
        factories.agency(f"W{i:03d}", "ward", parents[i % districts], name=f"Phường Số {i}") for i in range(wards)
    ]
    db.session.flush()
    sizes = rng.lognormal(4.5, 1.1, size=wards).astype(int)
    sizes[:6] = (1, 2, 3, 4, 6, 8)  # tiny counts: withheld
    quality = rng.normal(0.86, 0.03, size=wards)
    quality[10:13] = 0.55  # genuinely worse
    rows = []
    for ward, n, p in zip(wards_made, sizes, quality, strict=True):
        x = int(rng.binomial(int(n), float(np.clip(p, 0.01, 0.99))))
        rows.append(
            {"period": SEPTEMBER.key, "agency_id": ward.id, "responses": int(n), "positive": x, "source": "test"}
        )
    db.session.execute(insert(ImportedCount), rows)
    db.session.commit()
    [result] = publish(SEPTEMBER, actor="test", now=AFTER_SEPTEMBER, groups=["ward"], render_charts=charts)
    assert result.created, result
    return result.snapshot_id
