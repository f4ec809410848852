"""Canonical form and chained SHA-256 hashes of published snapshots (pure, no database).

A snapshot's hash covers its canonical JSON *and* the previous snapshot's hash, so
editing any published figure, or removing a snapshot, breaks every later link.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any


def clean_number(value: Any) -> Any:
    """NaN/inf become None (JSON has no NaN); numpy scalars become Python numbers."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return clean_number(value)


def _plain_number(value: Any) -> Any:
    """json's hook for what it cannot write itself: NumPy integers and booleans (floats are floats)."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def canonical_json(content: dict[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the same content always gives the same bytes."""
    options = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False, "allow_nan": False}
    try:
        # Content is nearly always clean already (publication cleans every figure), and the
        # encoder alone is several times faster than walking it in Python first (issue 16).
        # It writes exactly what `canonical` would for string keys (a NumPy float is a float, a
        # tuple a list); content has no other keys, since `verify` reads it back from JSON.
        return json.dumps(content, default=_plain_number, **options)
    except (ValueError, TypeError):  # a NaN or infinity to write as null, or a non-string key
        return json.dumps(canonical(content), **options)


def chain_hash(previous_hash: str | None, content: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update((previous_hash or "").encode())
    digest.update(b"\n")
    digest.update(canonical_json(content).encode())
    return digest.hexdigest()


def seed_for(period: str, peer_group: str, revision: int) -> int:
    """A reproducible random seed from the snapshot's identity (31 bits, fits any integer column)."""
    text = f"{period}|{peer_group}|{revision}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:4], "big") & 0x7FFFFFFF
