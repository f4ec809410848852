"""The shape of agency codes, service codes and case references: one rule each.

Each rule comes in two spellings that agree. ``*_PATTERN`` is for JSON Schema and for
pydantic's ``Field(pattern=...)``: both use a regex dialect (ECMA-262, Rust) where ``$``
means the end of the text. The ``is_valid_*`` functions are for Python code, whose ``$``
would also accept a trailing newline ("ABC\\n"), so they use ``fullmatch`` instead.
"""

from __future__ import annotations

import re

# 1-64 letters, digits, dots, underscores or hyphens, starting with a letter or digit.
CODE_BODY = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
# A case system's reference may also hold colons ("2026:HT:00123").
CASE_REF_BODY = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}"

AGENCY_CODE_PATTERN = f"^{CODE_BODY}$"
SERVICE_CODE_PATTERN = AGENCY_CODE_PATTERN
CASE_REF_PATTERN = f"^{CASE_REF_BODY}$"

_CODE = re.compile(CODE_BODY)
_CASE_REF = re.compile(CASE_REF_BODY)


def is_valid_agency_code(text: object) -> bool:
    """True for a well-formed agency code (says nothing about whether the agency exists)."""
    return isinstance(text, str) and _CODE.fullmatch(text) is not None


def is_valid_service_code(text: object) -> bool:
    """Service codes follow the agency-code rule."""
    return is_valid_agency_code(text)


def is_valid_case_ref(text: object) -> bool:
    """True for a well-formed case reference (the agency-code rule plus ':')."""
    return isinstance(text, str) and _CASE_REF.fullmatch(text) is not None
