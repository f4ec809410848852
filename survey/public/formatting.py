"""Locale-aware number, date and period formatting for the public templates."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_skeleton, get_date_format, get_datetime_format
from flask_babel import format_date, format_datetime, format_decimal, format_percent

from survey.i18n import current_locale

DASH = "–"
MINUS = "−"  # U+2212: read as "minus" by screen readers, unlike a hyphen


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal (84.1% / 84,1%); a dash when missing."""
    return DASH if value is None else format_percent(value, "#,##0.0%")


def pct_short(value: float | None) -> str:
    """A threshold or target without a trailing zero: 95%, 99.8%, 90%."""
    return DASH if value is None else format_percent(value, "#,##0.#%")


def rank(value: float | None) -> str:
    """Rank quantiles are whole numbers; keep a half (a tie) if one ever appears."""
    if value is None:
        return DASH
    return str(int(value)) if float(value).is_integer() else format_decimal(value, "0.#")


def num(value: int | None) -> str:
    return DASH if value is None else format_decimal(value, "#,##0")


def decimal(value: float | None, digits: int) -> str:
    """A parameter or coefficient with a fixed number of decimals: 1.959964 / 1,959964; "−" for negatives."""
    if value is None:
        return DASH
    pattern = "#,##0." + "0" * digits if digits > 0 else "#,##0"
    text = format_decimal(abs(value), pattern)
    return MINUS + text if value < 0 and text.strip("0.,") else text


def points(change: float | None) -> str:
    """A change of share in percentage points, always signed (+2.3 / −1.0)."""
    if change is None:
        return DASH
    value = round(change * 100, 1)
    sign = "+" if value > 0 else MINUS if value < 0 else "±"
    return sign + format_decimal(abs(value), "0.0")


def points_size(change: float | None) -> str:
    """The size of a change in percentage points, without sign (for "5.9 points below")."""
    return DASH if change is None else format_decimal(abs(round(change * 100, 1)), "0.0")


def period_label(key: str) -> str:
    """'2026-09' as 'September 2026' / 'Tháng 9 năm 2026'; '2026-Q3' as a quarter."""
    try:
        year, rest = key.split("-", 1)
        if rest[:1] in "Qq":
            moment, skeleton = date(int(year), 3 * int(rest[1:]) - 2, 1), "yQQQQ"
        else:
            moment, skeleton = date(int(year), int(rest), 1), "yMMMM"
        text = format_skeleton(skeleton, moment, locale=current_locale())
    except (ValueError, IndexError):
        return key
    return text[:1].upper() + text[1:]


def _moment_pattern(locale: str) -> str:
    # The language's own long date and its own order of date and time, with hours and minutes:
    # "17:56 1 tháng 12, 2026" / "December 1, 2026, 17:56". One format per language, site-wide.
    combined = get_datetime_format("long", locale=locale)
    return combined.replace("{0}", "HH:mm").replace("{1}", get_date_format("long", locale=locale).pattern)


def when(moment: datetime | None) -> str:
    """A stored naive-UTC time in the city's time zone, in the reader's language."""
    return DASH if moment is None else format_datetime(moment, _moment_pattern(current_locale()))


def day(moment: date | None) -> str:
    """A calendar date in the reader's language: "1 tháng 12, 2026" / "December 1, 2026"."""
    return DASH if moment is None else format_date(moment, "long")
