"""Several real processes running the scheduled publication at once: exactly one snapshot each."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ranking.periods import parse_period
from survey.models import Snapshot, SnapshotEntry
from survey.publication import publish
from tests.publication.helpers import AFTER_SEPT, september_wards

ROOT = Path(__file__).resolve().parents[2]


def test_three_processes_publish_each_period_exactly_once(city, db, database_url):
    september_wards()
    db.session.remove()
    start_at = time.time() + 4.0  # time for the interpreters to start
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.publication.race_worker", database_url, str(start_at)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outputs]
    created = sorted(int(out.split("created=")[1].split()[0]) for out, _ in outputs)
    # September, Q3 (and any other ended month with data): one process created all, the others none
    rows = db.session.execute(
        select(Snapshot.period, Snapshot.peer_group, func.count()).group_by(Snapshot.period, Snapshot.peer_group)
    ).all()
    assert rows and all(count == 1 for _, _, count in rows)
    assert sum(created) == len(rows)
    chain = db.session.scalars(select(Snapshot).order_by(Snapshot.id)).all()
    assert [s.previous_hash for s in chain[1:]] == [s.content_hash for s in chain[:-1]]


def test_a_failure_mid_publication_leaves_nothing(city, db, monkeypatch):
    september_wards()

    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash while rendering charts")

    monkeypatch.setattr("survey.publication.build.render_snapshot_charts", crash)
    with pytest.raises(RuntimeError):
        publish(parse_period("2026-09"), actor="test", now=AFTER_SEPT)
    assert db.session.scalar(select(func.count()).select_from(Snapshot)) == 0
    assert db.session.scalar(select(func.count()).select_from(SnapshotEntry)) == 0
