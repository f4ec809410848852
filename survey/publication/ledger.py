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


def canonical_json(content: dict[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the same content always gives the same bytes."""
    return json.dumps(canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


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
