"""Method 2.0.0 of the league table (docs/methodology-v2.md): pure functions, arrays in and out.

Method 1.0.0 (`ranking.table`) stays unchanged so old snapshots verify with the
method they were published with.
"""

from ranking.v2.movement import benjamini_hochberg, score_movement
from ranking.v2.predictive import funnel_curve
from ranking.v2.table import METHOD_VERSION_2, MethodParams2, league_table

__all__ = ["METHOD_VERSION_2", "MethodParams2", "benjamini_hochberg", "funnel_curve", "league_table", "score_movement"]
