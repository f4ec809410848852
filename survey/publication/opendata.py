"""Open-data serialisation of snapshots: one CSV and one JSON shape, used by the CLI and the site."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from survey.models import Snapshot
from survey.publication.ledger import canonical
from survey.spreadsheet import safe_cell

# Fields of the open-data row (DESIGN.md), in order; null where withheld.
OPEN_DATA_FIELDS = (
    "agency_code", "agency_name", "peer_group", "period", "responses", "positive", "rate", "rate_low",
    "rate_high", "expected", "z", "band", "limit95_low", "limit95_high", "limit998_low", "limit998_high",
    "score", "score_low", "score_high", "rank", "rank_low", "rank_high", "suppressed", "ranked",
)  # fmt: skip
# What the figures rest on (issue 11, docs/integrity.md), after the DESIGN.md fields; null when unknown.
CHANNEL_CODES = ("sms", "qr", "tablet", "web")
INTEGRITY_FIELDS = (
    "response_rate", "coverage", "held", "voided", "assisted", "silence_rate",
    *(f"share_{code}" for code in CHANNEL_CODES),
)  # fmt: skip
ROW_FIELDS = (*OPEN_DATA_FIELDS, *INTEGRITY_FIELDS)
CSV_EXTRA = ("snapshot_id", "snapshot_hash", "method_version")


def open_data_rows(snapshot: Snapshot, locale: str = "vi") -> list[dict[str, Any]]:
    """The published open-data row per agency (DESIGN.md fields), null where withheld."""
    rows = []
    for entry in snapshot.entries:
        figures = entry.figures
        row = {
            "agency_code": entry.agency_code,
            "agency_name": entry.agency_name_en if locale == "en" else entry.agency_name,
            "peer_group": snapshot.peer_group,
            "period": snapshot.period,
            "responses": entry.responses,
            "positive": entry.positive,
            "suppressed": bool(entry.suppressed),
            "ranked": bool(entry.ranked),
        }
        for key in OPEN_DATA_FIELDS:
            row.setdefault(key, figures.get(key))
        row.update(_integrity_fields(figures, bool(entry.suppressed)))
        rows.append({key: row[key] for key in ROW_FIELDS})
    return rows


def _integrity_fields(figures: dict[str, Any], suppressed: bool) -> dict[str, Any]:
    """Snapshots published before issue 11 carry no integrity figures: their fields are null."""
    integrity = figures.get("integrity")
    if integrity is None:
        return dict.fromkeys(INTEGRITY_FIELDS) | {"response_rate": figures.get("response_rate")}
    if suppressed:  # nothing computed from a small group's answers; how many were held is still said
        return dict.fromkeys(INTEGRITY_FIELDS) | {"held": integrity.get("held"), "voided": integrity.get("voided")}
    shares = integrity.get("channel_shares") or {}
    return {
        "response_rate": figures.get("response_rate"),
        **{key: integrity.get(key) for key in ("coverage", "held", "voided", "assisted", "silence_rate")},
        **{f"share_{code}": shares.get(code, 0.0 if shares else None) for code in CHANNEL_CODES},
    }


def snapshot_metadata(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "period": snapshot.period,
        "peer_group": snapshot.peer_group,
        "revision": snapshot.revision,
        "provisional": bool(snapshot.provisional),
        "method_version": snapshot.method_version,
        "parameters": snapshot.parameters,
        "created": snapshot.created_at.isoformat() + "Z",
        "hash": snapshot.content_hash,
        "previous_hash": snapshot.previous_hash,
        "supersedes": snapshot.supersedes_id,
    }


def snapshots_csv(snapshots: Iterable[Snapshot]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*ROW_FIELDS, *CSV_EXTRA], lineterminator="\n")
    writer.writeheader()
    for snapshot in snapshots:
        extra = {
            "snapshot_id": snapshot.id,
            "snapshot_hash": snapshot.content_hash,
            "method_version": snapshot.method_version,
        }
        for row in open_data_rows(snapshot):
            writer.writerow({**{k: ("" if v is None else safe_cell(v)) for k, v in row.items()}, **extra})
    return buffer.getvalue()


def snapshot_document(snapshot: Snapshot) -> dict:
    return {
        "snapshot": snapshot_metadata(snapshot),
        "summary": canonical(snapshot.summary),
        "rows": open_data_rows(snapshot),
    }


def snapshots_json(snapshots: Iterable[Snapshot]) -> str:
    documents = [snapshot_document(s) for s in snapshots]
    return json.dumps({"snapshots": documents}, ensure_ascii=False, indent=1, allow_nan=False)
