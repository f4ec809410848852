"""Translated names of statuses, bands and drivers, shared by forms, pages and e-mails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FEEDBACK_STATUS_LABELS = {
    "new": _l("New"),
    "acknowledged": _l("Acknowledged"),
    "responded": _l("Responded"),
    "dismissed": _l("Dismissed (spam)"),
}
PLAN_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}
BAND_LABELS = {
    "well_above": _l("Well above expected"),
    "above": _l("Above expected"),
    "expected": _l("As expected"),
    "below": _l("Below expected"),
    "well_below": _l("Well below expected"),
}
DRIVER_LABELS = {
    "ease": _l("Ease of the procedure"),
    "timeliness": _l("Time taken versus promised"),
    "courtesy": _l("Staff courtesy and help"),
    "fairness": _l("Fairness and transparency"),
    "outcome": _l("Outcome"),
    "visits": _l("Done in one visit"),
}
RATING_LABELS = {
    "5": _l("Very satisfied"),
    "4": _l("Satisfied"),
    "3": _l("Neither satisfied nor dissatisfied"),
    "2": _l("Dissatisfied"),
    "1": _l("Very dissatisfied"),
    "none": _l("No answer"),
}
