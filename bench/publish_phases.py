"""Where one publication's time goes, phase by phase (issue 16's profile, kept reproducible).

    python -m bench.publish_bench --keep        # builds and keeps the 10 M answer database
    python -m bench.publish_phases [--period 2025-02]

Runs one correction of the period with charts in this process and prints its total and the
seconds spent in each phase (the functions are wrapped with bench.publish_worker's `timed`;
phases nest: `build_snapshot` holds `compute_table`, the charts, the hash and the entries).
Uses BENCH_PUBLISH_DATABASE (default survey_bench_publish) on the benchmark's PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import time

import survey.publication.build as build
import survey.publication.charts as charts
import survey.publication.service as service
import survey.publication.store as store
from bench.harness import app_env, database_url, new_secret
from bench.publish_bench import DATABASE
from bench.publish_worker import timed
from ranking.periods import parse_period

PHASES = (
    (store, "period_counts"),
    (service, "run_checks"),
    (store, "group_agencies"),
    (store, "build_snapshot"),
    (build, "compute_table"),
    (build, "previous_scores"),
    (build, "make_entry"),
    (build, "chain_hash"),
    (build, "render_snapshot_charts"),
    (charts, "funnel_curves"),
    (store, "insert_snapshot"),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", default="2025-02")
    options = parser.parse_args()
    os.environ.update(app_env(database_url(DATABASE), new_secret()))
    from survey import create_app, publication
    from survey.extensions import db

    app = create_app()
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        charts.load_chart_library()
        spent = {name: timed(module, name) for module, name in PHASES}
        started = time.perf_counter()
        publication.publish(
            parse_period(options.period), actor="bench", notify=False, correction="phases", render_charts=True
        )
        total = time.perf_counter() - started
    print(f"publication of {options.period} with charts: {total:.2f} s")
    for name, times in spent.items():
        print(f"  {name:24s} {sum(times):6.2f} s  ({len(times)} calls)")


if __name__ == "__main__":
    main()
