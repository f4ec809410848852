"""Words for the public site: band names, plain readings, symbols and peer-group names.

Lazily translated so the module can be imported before any request.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.public.formatting import pct_short

# Worst to best: the order used when sorting by band ("asc" puts the worst first).
BANDS = ("well_below", "below", "expected", "above", "well_above")

BAND_NAMES = {
    "well_above": _l("Well above expected"),
    "above": _l("Above expected"),
    "expected": _l("As expected"),
    "below": _l("Below expected"),
    "well_below": _l("Well below expected"),
}
NO_BAND = _l("Not assessed")

# Shape, not colour alone, tells the bands apart.
BAND_SYMBOLS = {
    "well_above": "▲▲",
    "above": "▲",
    "expected": "●",
    "below": "▼",
    "well_below": "▼▼",
}

PEER_GROUPS = {
    "department": _l("Departments"),
    "district": _l("Districts"),
    "ward": _l("Wards"),
    "other": _l("Other agencies"),
}

PLAN_STATUSES = {
    "planned": _l("planned"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
    "dropped": _l("dropped"),
}

SORT_LABELS = {
    "rank": _l("Rank range"),
    "name": _l("Agency"),
    "score": _l("Score"),
    "band": _l("Band"),
    "responses": _l("Responses"),
    "on_time": _l("On time"),
}


def band_reading(band: str) -> str:
    """One plain line per band, shown above every table so the bands cannot be misread."""
    wide, narrow = pct_short(0.998), pct_short(0.95)
    readings = {
        "well_above": _(
            "Clearly better than its peers: beyond the %(limit)s limit, almost certainly not chance.", limit=wide
        ),
        "above": _("Better than its peers: beyond the %(limit)s limit, unlikely to be chance.", limit=narrow),
        "expected": _("Within the limits: any difference from its peers could be chance."),
        "below": _("Worse than its peers: beyond the %(limit)s limit, unlikely to be chance.", limit=narrow),
        "well_below": _(
            "Clearly worse than its peers: beyond the %(limit)s limit, almost certainly not chance.", limit=wide
        ),
    }
    return readings[band]


def band_name(band: str | None) -> str:
    return str(BAND_NAMES.get(band or "", NO_BAND))


def peer_group_name(group: str) -> str:
    """The translated name of a peer group; unknown groups (from imports) keep their key."""
    return str(PEER_GROUPS.get(group, group))


def plan_status(status: str) -> str:
    return str(PLAN_STATUSES.get(status, status))
