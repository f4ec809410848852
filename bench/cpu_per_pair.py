"""CPU seconds per survey submission: gunicorn workers, PostgreSQL backends, and hello's workers.

    python -m bench.cpu_per_pair [--seconds 8]

On a shared machine the pairs per second move with everyone else's load; the CPU each pair
costs does not, and it says which side (Python or the database) limits throughput.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.cases import issue_tokens, reference_codes
from bench.context import bench_context
from bench.load import survey_load

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return total


def backend_pids(db_url: str) -> list[int]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()")
            return list(conn.scalars(query, {"name": make_url(db_url).database}))
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    seconds = parser.parse_args().seconds
    with bench_context() as ctx:
        tokens, _ = issue_tokens(ctx.app.base_url, ctx.api_key, reference_codes(ctx.app.base_url), int(400 * seconds))
        survey_load(ctx.app.base_url, tokens[:500], duration=2)  # pools filled, templates compiled
        workers, backends = ctx.app.worker_pids(), backend_pids(ctx.db_url)
        before = cpu_seconds(workers), cpu_seconds(backends)
        app = survey_load(ctx.app.base_url, tokens[500:], duration=seconds)
        backends = sorted(set(backends) | set(backend_pids(ctx.db_url)))
        app_ms = 1000 * (cpu_seconds(workers) - before[0]) / max(app.iterations, 1)
        db_ms = 1000 * (cpu_seconds(backends) - before[1]) / max(app.iterations, 1)
        hello_workers = ctx.hello.worker_pids()
        start = cpu_seconds(hello_workers)
        hello = survey_load(ctx.hello.base_url, [f"hello{i}" for i in range(200_000)], duration=seconds)
        hello_ms = 1000 * (cpu_seconds(hello_workers) - start) / max(hello.iterations, 1)
    print(f"survey: {app.rate:.1f} pairs/s, {app.errors} errors; CPU per pair:")
    print(f"  {app_ms:.2f} ms in the gunicorn workers, {db_ms:.2f} ms in PostgreSQL")
    print(f"hello:  {hello.rate:.1f} pairs/s; CPU per pair {hello_ms:.2f} ms in the workers")


if __name__ == "__main__":
    main()
