"""Why an uploaded case row was rejected, in the reader's language.

The reasons come from the intake rules, whose texts are the API's problem details and
stay English for integrators; on the admin page they are translated here. A text not
listed (a new rule) is shown as it is rather than hidden.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from survey.admin import bp

FIXED = {
    "is required": _l("is required"),
    "unknown field": _l("unknown field"),
    "must be a string": _l("must be a string"),
    "must be 1-64 letters, digits or . _ - (and : in case_ref)": _l(
        "must be 1-64 letters, digits or . _ - (and : in case_ref)"
    ),
    "is before received_at": _l("is before received_at"),
    "is in the future": _l("is in the future"),
    "unknown agency code": _l("unknown agency code"),
    "unknown service code": _l("unknown service code"),
    "this API key may not post for this agency": _l("this API key may not post for this agency"),
    "must be an ISO 8601 date-time string, e.g. 2026-10-05T14:30:00+07:00": _l(
        "must be an ISO 8601 date-time string, e.g. 2026-10-05T14:30:00+07:00"
    ),
    "is not a valid ISO 8601 date-time": _l("is not a valid ISO 8601 date-time"),
    "year must be between 2000 and 2100": _l("year must be between 2000 and 2100"),
    "more values than header columns": _l("more values than header columns"),
    "each case must be a JSON object": _l("each case must be a JSON object"),
    "conflicts with a case stored at the same moment; upload the file again": _l(
        "conflicts with a case stored at the same moment; upload the file again"
    ),
}
PATTERNS = [
    (re.compile(r"^must be one of (?P<values>.+)$"), lambda m: _l("must be one of %(values)s", **m.groupdict())),
    (
        re.compile(r"^duplicates case (?P<other>\d+) of this batch$"),
        lambda m: _l("duplicates case %(other)s of this batch", **m.groupdict()),
    ),
    (
        re.compile(r"^duplicates line (?P<line>\d+)$"),
        lambda m: _l("duplicates line %(line)s", **m.groupdict()),
    ),
    (
        re.compile(r"^case already registered with different (?P<fields>.+)$"),
        lambda m: _l("case already registered with different %(fields)s", **m.groupdict()),
    ),
]


def translate_detail(detail: str) -> str:
    if detail in FIXED:
        return str(FIXED[detail])
    for pattern, make in PATTERNS:
        match = pattern.match(detail)
        if match:
            return str(make(match))
    return detail


@bp.app_template_filter("case_reason")
def translate_reason(reason: str) -> str:
    """``field: detail; field: detail`` with each detail translated; field names are column names."""
    parts = []
    for part in reason.split("; "):
        field, separator, detail = part.partition(": ")
        parts.append(f"{field}: {translate_detail(detail)}" if separator else translate_detail(part))
    return "; ".join(parts)
