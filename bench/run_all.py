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
    failed = [f.name for f in figures if f.passed is False]
    print(f"\n{len(figures)} figures, {len(failed)} below target; details in {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
