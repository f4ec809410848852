"""Remove personal data from free text before it is stored.

Targets what citizens actually type: Vietnamese phone numbers (0xx… or +84/84…,
with spaces, dots or dashes), 12-digit citizen ID numbers, 9-digit old ID numbers,
bank-card-like digit runs and e-mail addresses. The rule is deliberately broad: any
run of nine or more digits, however separated, is removed. Invisible and
direction-override characters are stripped so hidden text cannot survive.
"""

from __future__ import annotations

import re
import unicodedata

REDACTED = "[***]"

EMAIL = re.compile(r"[\w.+-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.IGNORECASE)
# Nine or more digits, each optionally followed by up to two separators ("(028) 3829 1234").
DIGIT_RUN = re.compile(r"\+?\(?(?:\d[\s.\-()/]{0,2}){8,}\d")
# Zero-width, bidirectional controls and other format characters (Unicode category Cf),
# plus C0/C1 controls other than newline and tab.
INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f]")


def strip_invisible(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return INVISIBLE.sub("", text)


def scrub_pii(text: str) -> str:
    """Return ``text`` with contact details and identity numbers replaced by ``[***]``."""
    cleaned = strip_invisible(text)
    # Fold full-width and other compatibility digits so they cannot dodge the digit rule.
    cleaned = "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in cleaned)
    cleaned = EMAIL.sub(REDACTED, cleaned)
    cleaned = DIGIT_RUN.sub(REDACTED, cleaned)
    return cleaned.strip()
