"""Text that a spreadsheet would run as a formula: refused on the way in, neutralised on the way out."""

from __future__ import annotations

# A cell starting with one of these is a formula (or becomes one) in Excel and LibreOffice.
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEAD)


def safe_cell(value: object) -> object:
    """A CSV cell that opens as text: a quote before formula-leading text; numbers untouched."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
