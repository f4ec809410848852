"""September 2026 in the small city: wards with known counts, for the publication tests."""

from __future__ import annotations

from datetime import UTC, datetime

from tests import factories

SEPT = datetime(2026, 9, 15, 3, 0, tzinfo=UTC)
AFTER_SEPT = datetime(2026, 10, 2, tzinfo=UTC)


def september_wards() -> None:
    """Wards with known counts in September 2026 (and one with a tiny count to suppress)."""
    for code, good, bad in (
        ("Q1-BN", 45, 15),
        ("Q1-DK", 88, 12),
        ("Q1-TD", 130, 20),
        ("Q3-P1", 3, 0),
        ("Q3-P2", 20, 10),
    ):
        factories.responses(code, good, bad, SEPT)
