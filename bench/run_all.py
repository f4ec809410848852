"""Every benchmark in one run (``make bench``): figures, ratios to hello-world, pass/fail.

    python -m bench.run_all [--only public,survey,intake,publish]

The server benchmarks share one prepared database and one pair of servers (app and
hello-world, both gunicorn with BENCH_WORKERS workers); worker memory is read after all
of their load. Publication runs last, with the servers stopped, on its own database.
Writes bench/results/latest.json. Exit status 0 even when targets fail: the table is
the result, and a shared machine makes a hard gate flaky.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from datetime import UTC, datetime

from bench import intake_bench, public_bench, publish_bench, survey_bench
from bench.context import bench_context
from bench.harness import RESULTS, WORKERS
from bench.load import CONNECTIONS, DURATION, client_name
from bench.report import Figure, save, table

SERVER_BENCHES = {"public": public_bench.run, "survey": survey_bench.run, "intake": intake_bench.run}
ALL = (*SERVER_BENCHES, "publish")


# Issue 16's table: (row, figure name prefix, how to show it), all from this one run.
LARGE = "publish 5,000 agencies, 10M answers"
ISSUE_ROWS = (
    ("public league page, cached", "league page", "ratio"),
    ("1,000-case intake batch", "intake batch of 1,000, median", "value"),
    ("survey submission (GET form + POST answers, fresh link)", "survey submissions (GET+POST)", "ratio"),
    ("survey errors; acknowledged but not stored", "survey errors", "value"),
    ("publication, 5,000 agencies / 10M answers", LARGE, "value"),
    ("publication, cost of 10M ÷ cost of 100k", LARGE, "ratio"),
    ("publication, 10M answers, with charts", f"{LARGE}, with charts", "value"),
    ("publication, 10M ÷ 100k, with charts", f"{LARGE}, with charts", "ratio"),
    ("worker RSS (PSS, USS)", "worker RSS after load", "memory"),
)


def issue_table(figures: list[Figure]) -> str:
    """The issue's rows, each taken from a figure of this run (n/a when that part did not run)."""
    rows = [("figure", "measured", "target", "result")]
    for label, prefix, show in ISSUE_ROWS:
        found = [f for f in figures if f.name == prefix] or [f for f in figures if f.name.startswith(prefix)]
        if not found:
            rows.append((label, "not run", "", ""))
            continue
        f = found[0]
        if show == "ratio" and f.ratio is not None:
            text = f"{f.value:,.1f} {f.unit} = {f.ratio:.2f}×" + (" hello-world" if "publish" not in f.name else "")
        elif show == "memory":
            pss_uss = f.details.get("app_workers_pss_uss_mb") or []
            worst = max(pss_uss, default=(float("nan"), float("nan")))
            text = f"{f.value:.0f} MB (PSS {worst[0]:.0f}, USS {worst[1]:.0f})"
        else:
            text = f"{f.value:,.2f} {f.unit}"
        rows.append((label, text, f.target, f.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {','.join(ALL)}")
    chosen = [name.strip() for name in parser.parse_args().only.split(",") if name.strip()]
    unknown = set(chosen) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    started = time.monotonic()
    figures: list[Figure] = []
    print(f"load client: {client_name()}, {CONNECTIONS} connections, {DURATION:g} s per measurement, "
          f"{WORKERS} gunicorn workers", flush=True)  # fmt: skip
    servers = [name for name in chosen if name in SERVER_BENCHES]
    if servers:
        with bench_context() as ctx:
            for name in servers:
                print(f"== {name}", flush=True)
                figures += SERVER_BENCHES[name](ctx)
            figures.append(ctx.rss_figure())
    if "publish" in chosen:
        print("== publish (builds 10 M answers in PostgreSQL first)", flush=True)
        figures += publish_bench.run()

    extra = {
        "command": " ".join(shlex.quote(arg) for arg in ["python", "-m", "bench.run_all", *sys.argv[1:]]),
        "date": datetime.now(UTC).date().isoformat(),
        "client": client_name(),
        "connections": CONNECTIONS,
        "duration_s": DURATION,
        "workers": WORKERS,
        "wall_s": round(time.monotonic() - started, 1),
        "environment": {k: v for k, v in os.environ.items() if k.startswith("BENCH_")},
    }
    save(figures, RESULTS / "latest.json", extra)
    print()
    print(table(figures))
    print("\nIssue 16's table (every figure from this run):\n")
    print(issue_table(figures))
    failed = [f.name for f in figures if f.passed is False]
    print(f"\n{len(figures)} figures, {len(failed)} below target; details in {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
