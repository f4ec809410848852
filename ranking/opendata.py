"""Open-data serialisation of snapshots: one CSV and one JSON shape, used by the CLI and the site."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from ranking.ledger import canonical
from ranking.publish import OPEN_DATA_FIELDS, open_data_rows, snapshot_metadata
from survey.models import Snapshot

CSV_EXTRA = ("snapshot_id", "snapshot_hash", "method_version")


def snapshots_csv(snapshots: Iterable[Snapshot]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*OPEN_DATA_FIELDS, *CSV_EXTRA], lineterminator="\n")
    writer.writeheader()
    for snapshot in snapshots:
        extra = {
            "snapshot_id": snapshot.id,
            "snapshot_hash": snapshot.content_hash,
            "method_version": snapshot.method_version,
        }
        for row in open_data_rows(snapshot):
            writer.writerow({**{k: ("" if v is None else v) for k, v in row.items()}, **extra})
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
