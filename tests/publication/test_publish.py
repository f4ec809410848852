"""Publishing snapshots: figures, immutability, hash chain, corrections and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, update

from ranking.periods import parse_period
from ranking.stats import wilson_interval
from survey.models import Snapshot, SnapshotEntry
from survey.publication import PublicationError, publish
from survey.publication.opendata import ROW_FIELDS, open_data_rows
from survey.publication.verify import verify_all
from tests import factories
from tests.publication.helpers import AFTER_SEPT, SEPT, september_wards

SEPTEMBER = parse_period("2026-09")


@pytest.fixture
def published(city, db):
    september_wards()
    results = publish(SEPTEMBER, actor="test", now=AFTER_SEPT)
    return {r.peer_group: r for r in results}


def snapshots(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Snapshot))


def test_publishes_one_snapshot_per_peer_group_with_data(published, db):
    assert published["ward"].created
    assert not published["district"].created and published["district"].reason == "no responses in this period"
    snapshot = db.session.get(Snapshot, published["ward"].snapshot_id)
    # 343 answers in all; the totals leave out the hidden Q3-P1 (3) and its sibling Q3-P2 (30).
    assert snapshot.summary["responses"] == 310 and snapshot.summary["agencies"] == 5
    assert snapshot.method_version and snapshot.parameters["min_rank_n"] == 30
    assert snapshot.funnel_svg.startswith("<?xml") and "<svg" in snapshot.caterpillar_svg


def test_figures_match_the_reference_wilson_interval(published, db):
    entry = db.session.scalar(select(SnapshotEntry).where(SnapshotEntry.agency_code == "Q1-BN"))
    low, high = wilson_interval([45], [60])
    assert entry.figures["rate"] == pytest.approx(0.75)
    assert (entry.figures["rate_low"], entry.figures["rate_high"]) == pytest.approx((low[0], high[0]), abs=1e-12)
    assert entry.ranked and entry.figures["rank_low"] <= entry.figures["rank"] <= entry.figures["rank_high"]


def test_small_counts_are_suppressed_with_a_sibling(published, db):
    rows = {r["agency_code"]: r for r in open_data_rows(db.session.get(Snapshot, published["ward"].snapshot_id))}
    tiny, sibling = rows["Q3-P1"], rows["Q3-P2"]  # 3 answers; its only sibling is hidden too
    assert tiny["suppressed"] and tiny["responses"] is None and tiny["rate"] is None and tiny["score"] is None
    assert sibling["suppressed"] and sibling["positive"] is None
    assert not rows["Q1-BN"]["suppressed"]
    assert list(tiny) == list(ROW_FIELDS)


def test_publishing_again_is_a_no_op(published, db):
    again = publish(SEPTEMBER, actor="test", now=AFTER_SEPT)
    assert {r.reason for r in again if r.peer_group == "ward"} == {"already published"}
    assert snapshots(db) == 1


def test_an_open_period_is_refused_unless_provisional(city, db):
    factories.responses("Q1-BN", 5, 1, SEPT)
    with pytest.raises(PublicationError):
        publish(SEPTEMBER, actor="test", now=datetime(2026, 9, 20, tzinfo=UTC))
    assert snapshots(db) == 0
    [ward] = [
        r
        for r in publish(SEPTEMBER, actor="test", now=datetime(2026, 9, 20, tzinfo=UTC), provisional=True)
        if r.created
    ]
    # the final publication supersedes the provisional one
    [final] = [r for r in publish(SEPTEMBER, actor="test", now=AFTER_SEPT) if r.created]
    snapshot = db.session.get(Snapshot, final.snapshot_id)
    assert snapshot.revision == 2 and snapshot.supersedes_id == ward.snapshot_id and not snapshot.provisional


def test_a_correction_is_a_new_snapshot_naming_the_old(published, db):
    [fix] = [r for r in publish(SEPTEMBER, actor="test", now=AFTER_SEPT, correction="late import") if r.created]
    corrected = db.session.get(Snapshot, fix.snapshot_id)
    original = db.session.get(Snapshot, published["ward"].snapshot_id)
    assert corrected.supersedes_id == original.id and corrected.previous_hash == original.content_hash
    assert corrected.summary["correction"] == "late import"


def test_verify_passes_then_detects_an_edited_figure(published, db):
    assert all(not problems for _, problems in verify_all(db.session))
    entry = db.session.scalar(select(SnapshotEntry).where(SnapshotEntry.agency_code == "Q1-DK"))
    figures = dict(entry.figures, score=0.99)
    db.session.execute(update(SnapshotEntry).where(SnapshotEntry.id == entry.id).values(figures=figures))
    db.session.commit()
    db.session.expire_all()
    [(_, problems)] = list(verify_all(db.session))
    assert any("hash" in p for p in problems)
    assert any("Q1-DK score" in p for p in problems)


def test_verify_detects_a_removed_snapshot(published, db):
    publish(parse_period("2026-Q3"), actor="test", now=AFTER_SEPT)
    first_id = published["ward"].snapshot_id
    db.session.execute(delete(SnapshotEntry).where(SnapshotEntry.snapshot_id == first_id))
    db.session.execute(delete(Snapshot).where(Snapshot.id == first_id))
    db.session.commit()
    results = list(verify_all(db.session))
    assert any("chain broken" in p for _, problems in results for p in problems)


def test_movement_against_the_previous_month(city, db):
    factories.responses("Q1-BN", 40, 40, datetime(2026, 8, 15, tzinfo=UTC), prefix="AUG")
    factories.responses("Q1-DK", 70, 10, datetime(2026, 8, 15, tzinfo=UTC), prefix="AUG")
    factories.responses("Q1-TD", 70, 10, datetime(2026, 8, 15, tzinfo=UTC), prefix="AUG")
    publish(parse_period("2026-08"), actor="test", now=AFTER_SEPT)
    factories.responses("Q1-BN", 76, 4, SEPT)
    factories.responses("Q1-DK", 70, 10, SEPT)
    factories.responses("Q1-TD", 70, 10, SEPT)
    publish(SEPTEMBER, actor="test", now=AFTER_SEPT)
    latest = db.session.scalar(select(Snapshot).where(Snapshot.period == "2026-09"))
    moves = {e.agency_code: e.figures["movement"] for e in latest.entries}
    assert moves["Q1-BN"]["change"] > 0 and moves["Q1-BN"]["significant"]
    assert moves["Q1-DK"]["low"] < 0 < moves["Q1-DK"]["high"]
