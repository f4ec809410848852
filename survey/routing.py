"""URL converters shared by every blueprint."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

# Primary keys are 32-bit on PostgreSQL; a larger number in a URL can name nothing, and
# passing it on would make the database raise (out of range) instead of the page 404ing.
LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` limited to 1..2^31-1: anything else is simply not found."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)
