"""Statistics for the public ranking: pure functions, arrays in and arrays out.

See METHODOLOGY.md; every published snapshot records METHOD_VERSION and the
MethodParams used, so its numbers can be recomputed from the open data.
"""

from ranking.bayes import BetaFit, fit_beta_binomial, posterior_summary
from ranking.casemix import expected_rates
from ranking.disclosure import (
    disclosure_mask,
    primary_suppression,
    secondary_suppression,
)
from ranking.funnel import (
    FunnelResult,
    funnel_arcsine,
    funnel_limits,
    poisson_ratio_limits,
)
from ranking.movement import score_movement
from ranking.periods import (
    CITY_TZ,
    Period,
    parse_period,
    period_containing,
    periods_between,
)
from ranking.ranks import rank_ranges
from ranking.stats import Z95, Z998, wilson_interval
from ranking.table import MethodParams, league_table
from ranking.version import METHOD_VERSION

__all__ = [
    "CITY_TZ",
    "METHOD_VERSION",
    "Z95",
    "Z998",
    "BetaFit",
    "FunnelResult",
    "MethodParams",
    "Period",
    "disclosure_mask",
    "expected_rates",
    "fit_beta_binomial",
    "funnel_arcsine",
    "funnel_limits",
    "league_table",
    "parse_period",
    "period_containing",
    "periods_between",
    "poisson_ratio_limits",
    "posterior_summary",
    "primary_suppression",
    "rank_ranges",
    "score_movement",
    "secondary_suppression",
    "wilson_interval",
]
