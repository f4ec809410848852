"""One prepared bench run: a PostgreSQL database with the demo city published, an API key,
the app and the hello-world app each under gunicorn. Scripts share it under run_all and
open their own when run alone."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from bench.harness import ROOT, Server, app_env, create_api_key, flask_cli, hello_server, new_secret, scratch_database
from bench.load import get_load
from bench.report import Figure

DATABASE = os.environ.get("BENCH_DATABASE", "survey_bench")
RSS_TARGET_MB = 150.0
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))


@dataclass
class BenchContext:
    db_url: str
    env: dict[str, str]
    api_key: str
    app: Server
    hello: Server
    snapshot_ids: list[int]

    def warm_up(self) -> None:
        """Every worker has served a few requests (imports done, pools filled) before timing."""
        get_load(self.hello.base_url + "/", duration=WARMUP)
        get_load(self.app.base_url + "/api/v1/agencies", duration=WARMUP)

    def rss_figure(self) -> Figure:
        app_rss = self.app.worker_rss_mb()
        hello_rss = self.hello.worker_rss_mb()
        worst = max(app_rss) if app_rss else float("nan")
        return Figure(
            "worker RSS after load (max of workers)",
            worst,
            "MB",
            f"< {RSS_TARGET_MB:.0f} MB",
            passed=bool(app_rss) and worst < RSS_TARGET_MB,
            details={
                "app_workers_mb": [round(v, 1) for v in app_rss],
                "hello_workers_mb": [round(v, 1) for v in hello_rss],
                "app_workers_pss_uss_mb": [
                    (round(m["pss"], 1), round(m["uss"], 1)) for m in self.app.worker_memory_mb()
                ],
            },
        )


def seed_demo(env: dict[str, str]) -> list[int]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.seed", "--scale", "0.3", "--months", "3"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bench.seed failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["snapshots"]


@contextlib.contextmanager
def bench_context(name: str = DATABASE) -> Iterator[BenchContext]:
    with scratch_database(name) as url:
        env = app_env(url, new_secret())
        flask_cli(env, "db", "upgrade")
        snapshots = seed_demo(env)
        key = create_api_key(env)
        with hello_server() as hello, Server("wsgi:app", env) as app:
            context = BenchContext(url, env, key, app, hello, snapshots)
            context.warm_up()
            yield context
