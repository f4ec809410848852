"""Words for the public site: band names, plain readings, symbols and peer-group names.

Lazily translated so the module can be imported before any request.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.public.formatting import pct_short
from survey.vocabulary import (
    ANSWER_CHANNELS,
    BAND_SYMBOLS,
    BANDS,
    NO_BAND,
    PLAN_STATUS_LABELS,
    band_name,
    peer_group_name,
)
from survey.vocabulary import BAND_LABELS as BAND_NAMES

__all__ = [
    "BANDS",
    "BAND_NAMES",
    "BAND_SYMBOLS",
    "NO_BAND",
    "band_name",
    "band_reading",
    "peer_group_name",
    "plan_status",
]

SORT_LABELS = {
    "rank": _l("Rank range"),
    "name": _l("Agency"),
    "observed": _l("Share satisfied (observed)"),
    "score": _l("Score (adjusted, with interval)"),
    "band": _l("Band"),
    "responses": _l("Responses"),
    "on_time": _l("On time"),
    "change": _l("Change since previous period"),
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


def plan_status(status: str) -> str:
    """The plan status as a word inside a sentence ("status: planned")."""
    return str(PLAN_STATUS_LABELS.get(status, status)).lower()


def channel_name(code: str) -> str:
    """How answers came in (survey.vocabulary.ANSWER_CHANNELS), in the reader's language."""
    return str(ANSWER_CHANNELS.get(code, code))
