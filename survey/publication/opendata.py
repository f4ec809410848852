"""Open-data serialisation of snapshots: one CSV and one JSON shape, used by the CLI and the site."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from survey.models import Snapshot
from survey.publication.ledger import canonical
from survey.spreadsheet import safe_cell

# Fields of the open-data row, in order; null where withheld. First DESIGN.md's contract,
DESIGN_FIELDS = (
    "agency_code", "agency_name", "peer_group", "period", "responses", "positive", "rate", "rate_low",
    "rate_high", "expected", "z", "band", "limit95_low", "limit95_high", "limit998_low", "limit998_high",
    "score", "score_low", "score_high", "rank", "rank_low", "rank_high", "suppressed", "ranked",
)  # fmt: skip
# then every figure a page shows, so a reporter can quote the files,
REPORTING_FIELDS = (
    "adjusted_rate", "rank_set_low", "rank_set_high", "ranked_count", "on_time_rate", "score_change",
    "score_change_low", "score_change_high", "score_change_significant", "parent_code", "parent_name",
)  # fmt: skip
# then what the figures rest on (docs/integrity.md); null when unknown.
CHANNEL_CODES = ("sms", "qr", "tablet", "web")
INTEGRITY_FIELDS = (
    "response_rate", "coverage", "held", "voided", "assisted", "silence_rate",
    *(f"share_{code}" for code in CHANNEL_CODES),
)  # fmt: skip
OPEN_DATA_FIELDS = (*DESIGN_FIELDS, *REPORTING_FIELDS, *INTEGRITY_FIELDS)
CSV_EXTRA = ("snapshot_id", "snapshot_hash", "method_version")
# CSV cells are for spreadsheets: shares rounded to 4 decimals (0.01 percentage point), flags
# as 1/0, and a byte-order mark so Excel reads Vietnamese names as UTF-8. JSON keeps full precision.
CSV_DECIMALS = 4
BOM = "\ufeff"


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
            "ranked_count": snapshot.summary.get("ranked_agencies"),
            "parent_code": entry.parent_code,
            "parent_name": figures.get("parent_name_en" if locale == "en" else "parent_name"),
        }
        change = figures.get("movement") or {}
        row |= {
            "score_change": change.get("change"),
            "score_change_low": change.get("low"),
            "score_change_high": change.get("high"),
            "score_change_significant": change.get("significant"),
        }
        for key in OPEN_DATA_FIELDS:
            row.setdefault(key, figures.get(key))
        row.update(_integrity_fields(figures, bool(entry.suppressed)))
        rows.append({key: row[key] for key in OPEN_DATA_FIELDS})
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


def csv_cell(value: Any) -> Any:
    """A value as a spreadsheet should see it (see CSV_DECIMALS)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return round(value, CSV_DECIMALS)
    return safe_cell(value)


def write_csv(rows: Iterable[dict[str, Any]], fields: Iterable[str]) -> str:
    """UTF-8 text with a byte-order mark, one header line, formula-safe cells."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    return buffer.getvalue()


def _csv_rows(snapshots: Iterable[Snapshot]) -> Iterator[dict[str, Any]]:
    for snapshot in snapshots:
        extra = {
            "snapshot_id": snapshot.id,
            "snapshot_hash": snapshot.content_hash,
            "method_version": snapshot.method_version,
        }
        for row in open_data_rows(snapshot):
            yield row | extra


def snapshots_csv(snapshots: Iterable[Snapshot]) -> str:
    """One row per agency and snapshot: the open-data fields, then which snapshot it comes from."""
    return write_csv(_csv_rows(snapshots), [*OPEN_DATA_FIELDS, *CSV_EXTRA])


def snapshot_document(snapshot: Snapshot) -> dict:
    return {
        "snapshot": snapshot_metadata(snapshot),
        "summary": canonical(snapshot.summary),
        "rows": open_data_rows(snapshot),
    }


def snapshots_json(snapshots: Iterable[Snapshot]) -> str:
    documents = [snapshot_document(s) for s in snapshots]
    return json.dumps({"snapshots": documents}, ensure_ascii=False, indent=1, allow_nan=False)
