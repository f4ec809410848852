"""Vietnamese mobile numbers: one normal form (+84 and nine digits) for everything we store or send.

Accepted as typed by a case system: ``0912 345 678``, ``+84 912-345-678``, ``84912345678``,
``(091) 234.5678``. Mobile numbers start 3, 5, 7, 8 or 9 after the country code (the
networks' prefixes since the 2018 renumbering); landlines (02x) cannot receive an SMS invitation.
"""

from __future__ import annotations

import re

SEPARATORS = re.compile(r"[\s.\-()]")
MOBILE = re.compile(r"^(?:\+84|84|0)([35789]\d{8})$")
PHONE_MESSAGE = "must be a Vietnamese mobile number, e.g. 0912345678 or +84912345678"


def normalise_phone(text: str) -> str | None:
    """``+84xxxxxxxxx`` for a Vietnamese mobile number, or None when ``text`` is not one."""
    if not isinstance(text, str) or len(text) > 32:
        return None
    match = MOBILE.match(SEPARATORS.sub("", text))
    return f"+84{match.group(1)}" if match else None


def masked(phone: str) -> str:
    """What a citizen or an official may be shown: only the last three digits."""
    return "•" * (len(phone) - 3) + phone[-3:]
