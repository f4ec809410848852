"""Publication of 5,000 agencies with 100 k and with 10 M answers in the period.

    python -m bench.publish_bench [--keep]

One database holds three months: 2024-12 (100 k, published first so both measured
periods have a previous snapshot for movement, as in production), 2025-01 (100 k) and
2025-02 (10 M). Each publication runs in a fresh process (bench.publish_worker) and is
timed with perf_counter; peak RSS is that process's getrusage maximum. "With charts"
is a correction of the same period, so it does the same work plus the two SVGs.
There is no hello-world ratio here: the target is absolute (< 10 s) and relative to 100 k.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from bench.harness import ROOT, app_env, database_url, new_secret, scratch_database
from bench.report import Figure, table

DATABASE = os.environ.get("BENCH_PUBLISH_DATABASE", "survey_bench_publish")
AGENCIES = 5000
SMALL, LARGE = int(os.environ.get("BENCH_SMALL", "100000")), int(os.environ.get("BENCH_LARGE", "10000000"))
PERIODS = {"2024-12": SMALL, "2025-01": SMALL, "2025-02": LARGE}
TARGET_S, TARGET_RATIO = 10.0, 2.0


def short(count: int) -> str:
    """100000 -> "100k", 10000000 -> "10M": labels that follow BENCH_SMALL/BENCH_LARGE."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= size:
            return f"{count / size:g}{suffix}"
    return str(count)


S, L = short(SMALL), short(LARGE)


def worker(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.publish_worker", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bench.publish_worker {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(env: dict[str, str]) -> dict[str, dict]:
    worker(env, "build", "--agencies", str(AGENCIES), *(f"--period={p}={n}" for p, n in PERIODS.items()))
    worker(env, "publish", "--period", "2024-12")
    runs = {}
    for label, period in ((S, "2025-01"), (L, "2025-02")):
        runs[label] = worker(env, "publish", "--period", period)
        runs[f"{label} charts"] = worker(env, "publish", "--period", period, "--charts", "--correction", "bench")
    for name, result in runs.items():
        if result["created"] != len(result["groups"]):
            raise RuntimeError(f"publication {name} created {result['created']} of {len(result['groups'])} snapshots")
    return runs


def figures(runs: dict[str, dict]) -> list[Figure]:
    out = []
    for name, result in runs.items():
        seconds = result["seconds"]
        if name.startswith(L):
            base = runs[f"{S} charts" if "charts" in name else S]["seconds"]
            ratio = seconds / base
            target = f"< {TARGET_S:g} s and ≤ {TARGET_RATIO:g}× {S}"
            passed: bool | None = seconds < TARGET_S and ratio <= TARGET_RATIO
        else:
            ratio, target, passed = None, "", None
        size, _, charts = name.partition(" ")
        title = f"publish 5,000 agencies, {size} answers" + (", with charts" if charts else "")
        out.append(Figure(title, seconds, "s", target, ratio, passed, result))
        increase = result["peak_rss_mb"] - result["baseline_rss_mb"]
        out.append(
            Figure(
                f"publish {name}: peak RSS (baseline {result['baseline_rss_mb']:.0f} MB)",
                result["peak_rss_mb"],
                "MB",
                details={"increase_mb": increase},
            )
        )
    large = runs[L]
    for label in (S, L, f"{L} charts"):
        result = runs[label]
        checks = result.get("integrity_checks_seconds", float("nan"))
        out.append(
            Figure(
                f"publish {label}: integrity checks (run_checks) share",
                checks,
                "s",
                details={"of_total_s": result["seconds"], "without_checks_s": result["seconds"] - checks},
            )
        )
    out.append(
        Figure(
            f"publish {L}: SQL aggregation share",
            large["aggregation_seconds"],
            "s",
            details={"calls": large["aggregation_calls"], "of_total_s": large["seconds"]},
        )
    )
    return out


def run(keep: bool = False) -> list[Figure]:
    with scratch_database(DATABASE, keep=keep):
        env = app_env(database_url(DATABASE), new_secret())
        return figures(measure(env))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the generated database for inspection")
    print(table(run(parser.parse_args().keep)))


if __name__ == "__main__":
    main()
