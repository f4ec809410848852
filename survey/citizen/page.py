"""The unanswered survey page from a kept skeleton.

A first view of the form differs from citizen to citizen in six values only: the token (in
URLs), the CSRF token, the agency, the service, the case reference and the completion date.
Everything else depends on the question set, the language, the app's settings and whether
the agency can link answers to the citizen. Jinja drew all of it for every view (~1/3 of a
GET's CPU under cProfile: gettext, escaping, widget calls); each app now draws it once per
(question set, language, agency-cannot-link) with placeholders for the six values and fills
them in per view, escaped as the template would have escaped them. Pages with errors, and
the language switch that re-shows given answers, are drawn by the template as before.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from flask import current_app, request
from markupsafe import escape

# Placeholders: URL-safe (the token one passes through url_for unchanged) and random per
# process, so no text of a template or a setting can contain one.
_MARK = "zq" + secrets.token_hex(6)
PLACES = ("token", "csrf", "agency", "service", "case", "date")
PLACEHOLDER = {name: f"{_MARK}{name}" for name in PLACES}
_FILL = re.compile(_MARK + "(" + "|".join(PLACES) + ")")


def plain_query(locale: str) -> bool:
    """Only a query of at most ``lang`` goes into a kept page (the language links repeat the query)."""
    return not request.args or request.args.to_dict(flat=False) == {"lang": [locale]}


def kept_skeleton(key: tuple) -> str | None:
    return current_app.extensions.get("survey_page_skeletons", {}).get(key)


def fill_skeleton(skeleton: str, values: dict[str, str]) -> str:
    escaped = {name: str(escape(value)) for name, value in values.items()}
    # One pass: a filled-in value is never scanned again, so it cannot inject a placeholder.
    return _FILL.sub(lambda match: escaped[match.group(1)], skeleton)


def kept_page(key: tuple, draw: Callable[[dict[str, str]], str], values: dict[str, str]) -> str:
    """The page for ``key`` with ``values`` filled in; ``draw(placeholders)`` renders it once.

    ``draw`` runs in the current request, whose path holds the citizen's real token (the
    language links are built from it): that token is replaced by its placeholder before
    the skeleton is kept.
    """
    kept: dict[tuple, str] = current_app.extensions.setdefault("survey_page_skeletons", {})
    skeleton = kept.get(key)
    if skeleton is None:
        skeleton = draw(PLACEHOLDER).replace(values["token"], PLACEHOLDER["token"])
        if len(kept) > 64:  # question sets are few; never grow without bound
            kept.clear()
        kept[key] = skeleton
    return fill_skeleton(skeleton, values)
