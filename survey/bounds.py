"""Range checks for numbers and dates read from requests, so bad input answers 4xx, never 500.

Every integer or date typed into a URL or form passes through here before it reaches
``int()`` arithmetic, a database column or ``datetime`` conversion, where an extreme value
(a 20-digit page number, year 1 or 9999) would raise deep inside a query instead.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_ID_DIGITS = 12  # far beyond any row id, far below a 64-bit overflow


def small_int(raw: str | None, max_digits: int = MAX_ID_DIGITS) -> int | None:
    """The value of a short string of ASCII digits; None for anything else ("²", "-1", 20 digits)."""
    text = (raw or "").strip()
    if not text or len(text) > max_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


class DateInRange:
    """WTForms validator: a date between 2000-01-01 and 2100-12-31 (the service's working range)."""

    message = _l("Enter a date between %(first)s and %(last)s.")

    def __call__(self, form, field: Field) -> None:
        if field.data is not None and not MIN_DATE <= field.data <= MAX_DATE:
            raise ValidationError(self.message % {"first": MIN_DATE.isoformat(), "last": MAX_DATE.isoformat()})
