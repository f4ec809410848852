"""The CLI, the admin page and the scheduler publish through one function, audited alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from survey.models import AuditLog, Snapshot, SnapshotEntry
from survey.publication.jobs import run_publication
from tests import factories
from tests.actions import post_form, signed_in
from tests.publication.helpers import september_wards

ROOT = Path(__file__).resolve().parents[2]
AUDITED = {"period", "peer_group", "revision", "provisional", "correction", "method_version"}


def publish_entries(db) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "snapshot.publish").order_by(AuditLog.id)))


def test_every_entry_point_writes_the_same_audit_entry(app, db, city, runner):
    september_wards()
    factories.user("admin@example.gov.vn", "admin")
    admin_client = signed_in(app.test_client(), "admin@example.gov.vn")

    assert (
        post_form(admin_client, "/admin/schedule/publish", {"period": "2026-09", "confirmed": "yes"}).status_code == 303
    )
    done = runner.invoke(args=["ranking", "publish", "--period", "2026-09", "--correct", "recount"])
    assert done.exit_code == 0, done.output
    assert run_publication(app) > 0  # the scheduler's catch-up publishes the quarter

    db.session.rollback()
    entries = publish_entries(db)
    snapshot_ids = set(db.session.scalars(select(Snapshot.id)))
    assert {e.actor for e in entries} == {"admin@example.gov.vn", "cli", "scheduler"}
    assert all(set(e.after) == AUDITED and e.before is None for e in entries)
    assert {int(e.target.removeprefix("snapshot:")) for e in entries} == snapshot_ids
    by_actor = {e.actor: e.after for e in entries}
    assert by_actor["cli"]["correction"] == "recount" and by_actor["cli"]["revision"] == 2
    assert by_actor["scheduler"]["period"] == "2026-Q3"


def test_catch_up_from_the_cli_is_audited(db, city, runner):
    september_wards()
    done = runner.invoke(args=["ranking", "catch-up"])
    assert done.exit_code == 0, done.output
    entries = publish_entries(db)
    assert entries and {e.actor for e in entries} == {"cli"}
    assert len(entries) == db.session.scalar(select(func.count()).select_from(Snapshot))


def test_rank_threshold_setting_reaches_the_cli_publication(db, city, database_url):
    """``SURVEY_RANK_MIN_RESPONSES=80``: every agency with fewer than 80 answers is unranked."""
    september_wards()  # wards with 60, 100, 150, 3 and 30 answers
    environment = {
        **os.environ,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_RANK_MIN_RESPONSES": "80",
        "SURVEY_ENV": "development",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "ranking", "publish", "--period", "2026-09", "--no-charts"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    db.session.rollback()
    rows = db.session.execute(
        select(SnapshotEntry.agency_code, SnapshotEntry.ranked, SnapshotEntry.figures, Snapshot.parameters)
        .join(Snapshot)
        .where(Snapshot.peer_group == "ward")
    ).all()
    answered = {code: sum(figures["inputs"]["n_by_category"]) for code, _, figures, _ in rows}
    shown = {code for code, _, figures, _ in rows if figures["rate"] is not None}  # hidden rows carry no figures
    reasons = {code: figures["rank_reason"] for code, _, figures, _ in rows if code in shown}
    assert {c for c, r in reasons.items() if r == "few_answers"} == {c for c in shown if answered[c] < 80}
    assert any(30 <= n < 80 for n in answered.values())  # ranked at the default 30, not at 80
    assert {params["min_rank_n"] for *_, params in rows} == {80}
