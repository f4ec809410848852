"""Snapshots published with method 1.0.0 still verify after publication moved to method 2.0.0.

``data/snapshot_method_1.json`` is a ward snapshot written by the method 1.0.0 publisher
(before method 2 existed), stored exactly as it was: its hash, figures and parameters.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from survey.models import Snapshot, SnapshotEntry
from survey.publication.methods import CURRENT

STORED = Path(__file__).parent / "data" / "snapshot_method_1.json"


def store_method_1_snapshot(db) -> Snapshot:
    data = json.loads(STORED.read_text(encoding="utf-8"))
    entries = [SnapshotEntry(**entry) for entry in data.pop("entries")]
    snapshot = Snapshot(**data | {"created_at": datetime.fromisoformat(data["created_at"])}, entries=entries)
    db.session.add(snapshot)
    db.session.commit()
    return snapshot


def test_a_stored_method_1_snapshot_verifies_with_method_1(runner, db):
    snapshot = store_method_1_snapshot(db)
    assert snapshot.method_version == "1.0.0" != CURRENT
    result = runner.invoke(args=["ranking", "verify"])
    assert result.exit_code == 0, result.output
    assert "1 intact, 0 with differences" in result.output


def test_an_edited_method_1_figure_is_caught(runner, db):
    snapshot = store_method_1_snapshot(db)
    entry = next(e for e in snapshot.entries if not e.suppressed)
    entry.figures = entry.figures | {"score": entry.figures["score"] + 0.01}
    db.session.commit()
    result = runner.invoke(args=["ranking", "verify"])
    assert result.exit_code == 1 and "score" in result.output
