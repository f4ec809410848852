"""Value rules shared by the admin forms and the CSV imports, so both refuse the same input.

Each ``*_problem`` function returns a translated message, or ``None`` when the value is fine.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

from survey.bounds import small_int
from survey.codes import is_valid_agency_code
from survey.spreadsheet import looks_like_formula

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+\Z")
NAME_MAX = 200
SERVICE_NAME_MAX = 300
EMAIL_MAX = 254
PERSON_NAME_MAX = 120
MAX_COMMITTED_DAYS = 3650


def normalise(value: object) -> str:
    """Trimmed NFC text: Vietnamese typed as decomposed marks compares equal to precomposed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def text_problem(value: str, max_length: int, required: bool = True) -> str | None:
    if not value:
        return _("This field is required.") if required else None
    if len(value) > max_length:
        return _("At most %(max)d characters.", max=max_length)
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return _("Contains control or invisible formatting characters.")
    if "<" in value or ">" in value:
        return _("Must not contain < or >.")
    if looks_like_formula(value):
        return _("Must not start with =, +, - or @ (spreadsheet formulas).")
    return None


def code_problem(value: str) -> str | None:
    if not value:
        return _("This field is required.")
    if not is_valid_agency_code(value):
        return _("Use 1-64 letters, digits, dots, underscores or hyphens, starting with a letter or digit.")
    return None


def email_problem(value: str) -> str | None:
    if not value:
        return _("This field is required.")
    if len(value) > EMAIL_MAX or not EMAIL_RE.match(value):
        return _("Enter an e-mail address like name@example.gov.vn.")
    return None


def days_problem(value: str) -> str | None:
    # The form value as typed: a padded " 3" is refused rather than guessed at.
    days = small_int(value, max_digits=10) if value == value.strip() else None
    if days is None or days > MAX_COMMITTED_DAYS:
        return _("Enter a whole number of days from 0 to %(max)d.", max=MAX_COMMITTED_DAYS)
    return None
