"""Child process of bench.publish_bench: build the data, or time one publication.

    python -m bench.publish_worker build --agencies 5000 --period 2025-01=100000 --period 2025-02=10000000
    python -m bench.publish_worker publish --period 2025-02 [--charts] [--correction TEXT]

A fresh process per publication, so its peak RSS (getrusage) belongs to that publication
alone; the baseline after imports and app start is reported next to it. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import survey.publication.service
import survey.publication.store
from ranking.periods import parse_period
from survey import create_app, publication
from survey.extensions import db
from survey.publication.charts import load_chart_library


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def timed(module, name: str) -> list[float]:
    """Wrap ``module.name`` so its share of the publication time is known."""
    spent: list[float] = []
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    setattr(module, name, wrapper)
    return spent


def timed_aggregation() -> list[float]:
    """The counts (tallies, invitations, cases) of the period."""
    return timed(survey.publication.store, "period_counts")


def publish(period: str, charts: bool, correction: str | None) -> dict:
    app = create_app()
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connect before the baseline
        # As the scheduler unit does when it starts (survey.scheduler.run_in_foreground): matplotlib
        # is imported once per publishing process, not inside each publication.
        load_chart_library()
        baseline = peak_rss_mb()
        aggregation = timed_aggregation()
        # The integrity checks publish() runs first (issue 11): they scan the month's answers.
        checks = timed(survey.publication.service, "run_checks")
        started = time.perf_counter()
        results = publication.publish(
            parse_period(period), actor="bench", notify=False, correction=correction, render_charts=charts
        )
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "aggregation_seconds": sum(aggregation),
        "aggregation_calls": len(aggregation),
        "integrity_checks_seconds": sum(checks),
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak_rss_mb(),
        "created": sum(r.created for r in results),
        "groups": [r.peer_group for r in results],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=("build", "publish"))
    parser.add_argument("--period", action="append", required=True)
    parser.add_argument("--agencies", type=int, default=5000)
    parser.add_argument("--charts", action="store_true")
    parser.add_argument("--correction")
    options = parser.parse_args()
    if options.command == "publish":
        print(json.dumps(publish(options.period[0], options.charts, options.correction)))
        return
    from bench.publish_data import build

    periods = [(parse_period(key), int(count)) for key, count in (p.split("=") for p in options.period)]
    app = create_app()
    with app.app_context():
        print(json.dumps(build(periods, options.agencies)))


if __name__ == "__main__":
    main()
