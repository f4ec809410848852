"""Intake API: single new cases under concurrent load, and batches of 1,000 one after another.

    python -m bench.intake_bench

Every posted case is new (a per-run case_ref prefix), so each request registers cases and
issues invitations rather than taking the cheap idempotent path. Ratios are against
hello-world GET requests per second; for batches, cases per second over that.
"""

from __future__ import annotations

import os
import statistics

from bench.cases import batch_body, case_times, post_batch, reference_codes, run_prefix
from bench.context import BenchContext, bench_context
from bench.load import abba, get_load, intake_load
from bench.report import Figure, table

BATCH = 1000
BATCHES = int(os.environ.get("BENCH_BATCHES", "10"))
BATCH_TARGET_S = 1.0


def run(ctx: BenchContext) -> list[Figure]:
    codes = reference_codes(ctx.app.base_url)
    case = {"prefix": run_prefix(), "service_code": codes.service, **case_times()}
    counter = iter(range(1_000_000))  # each slice its own case refs: every case stays new
    hello, single = abba(
        lambda d: get_load(ctx.hello.base_url + "/", duration=d),
        lambda d: intake_load(
            ctx.app.base_url, ctx.api_key, case | {"prefix": f"{case['prefix']}s{next(counter)}"}, codes.agencies, d
        ),
    )

    prefix = run_prefix()
    bodies = [batch_body(codes, prefix, i * BATCH, BATCH) for i in range(BATCHES + 1)]
    post_batch(ctx.app.base_url, ctx.api_key, bodies[0])  # warm-up: first batch of this worker
    latencies = [post_batch(ctx.app.base_url, ctx.api_key, body)[0] for body in bodies[1:]]
    median, worst = statistics.median(latencies), max(latencies)

    return [
        Figure("intake single case (new)", single.rate, "cases/s", "0 errors", single.rate / hello.rate,
               single.errors == 0,
               {"p50_ms": single.p50_ms, "p99_ms": single.p99_ms, "errors": single.errors}),
        Figure("intake single case p99", single.p99_ms, "ms", details={"p50_ms": single.p50_ms}),
        Figure(f"intake batch of {BATCH:,}, median of {BATCHES}", median, "s", f"< {BATCH_TARGET_S:g} s",
               BATCH / median / hello.rate, median < BATCH_TARGET_S,
               {"latencies_s": [round(v, 3) for v in latencies]}),
        Figure(f"intake batch of {BATCH:,}, worst of {BATCHES}", worst, "s", f"< {BATCH_TARGET_S:g} s",
               passed=worst < BATCH_TARGET_S),
        Figure("hello GET /, same client", hello.rate, "req/s", details=hello.as_dict()),
    ]  # fmt: skip


def main() -> None:
    with bench_context() as ctx:
        figures = run(ctx)
        figures.append(ctx.rss_figure())
    print(table(figures))


if __name__ == "__main__":
    main()
