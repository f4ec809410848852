"""Survey submissions under load: each a fresh token, GET the form then POST it with CSRF.

    python -m bench.survey_bench

Tokens come from the intake API before timing. The hello-world app is driven by the same
client script (GET a form, POST it, 303), so one hello "submission" is also two requests.
"""

from __future__ import annotations

from sqlalchemy import create_engine, func, select

from bench.cases import Codes, issue_tokens, reference_codes
from bench.context import WARMUP, BenchContext, bench_context
from bench.load import CONNECTIONS, LoadResult, abba, survey_load
from bench.report import Figure, table
from survey.models import Response

TARGET_RATIO = 0.30
HELLO_TOKENS = 400_000  # more than hello can use in one run (hello ignores them anyway)


def stored_responses(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Response.__table__))
    finally:
        engine.dispose()


def timed_submissions(ctx: BenchContext, codes: Codes, rate_guess: float, duration: float) -> tuple[LoadResult, int]:
    """Issue enough tokens for the guessed rate, run, and count responses actually stored."""
    needed = int(rate_guess * duration * 1.6) + 50 * CONNECTIONS
    tokens, _ = issue_tokens(ctx.app.base_url, ctx.api_key, codes, needed)
    before = stored_responses(ctx.db_url)
    result = survey_load(ctx.app.base_url, tokens, duration=duration)
    return result, stored_responses(ctx.db_url) - before


def run(ctx: BenchContext) -> list[Figure]:
    codes = reference_codes(ctx.app.base_url)
    warm_tokens, _ = issue_tokens(ctx.app.base_url, ctx.api_key, codes, 1500)
    warm = survey_load(ctx.app.base_url, warm_tokens, duration=WARMUP)
    hello_tokens = [f"hello{i}" for i in range(HELLO_TOKENS)]
    stored: list[int] = []

    def app_slice(duration: float) -> LoadResult:
        result, count = timed_submissions(ctx, codes, warm.rate, duration)
        if result.exhausted:  # the warm-up under-estimated: once more with room to spare
            result, count = timed_submissions(ctx, codes, result.rate * 3, duration)
        stored.append(count)
        return result

    hello, app = abba(lambda d: survey_load(ctx.hello.base_url, hello_tokens, duration=d), app_slice)
    ratio = app.rate / hello.rate if hello.rate else float("nan")
    # Responses in flight when the client stops are stored but never seen acknowledged:
    # at most one per connection and slice. Fewer stored than acknowledged would be a loss.
    unseen = sum(stored) - app.iterations
    clean = app.errors == 0 and not app.exhausted and 0 <= unseen <= CONNECTIONS * len(stored)
    details = {"app": app.as_dict(), "hello": hello.as_dict(), "stored_responses": sum(stored)}
    return [
        Figure(
            "survey submissions (GET+POST)",
            app.rate,
            "/s",
            f"≥ {TARGET_RATIO:.2f}× hello, 0 errors",
            ratio,
            clean and ratio >= TARGET_RATIO,
            details,
        ),
        Figure(
            "survey errors (+ acknowledged but not stored)",
            app.errors + max(0, -unseen),
            "",
            "0",
            passed=clean,
            details={"exhausted_tokens": app.exhausted},
        ),
        Figure("survey request latency p50", app.p50_ms, "ms", details={"hello_p50_ms": hello.p50_ms}),
        Figure("survey request latency p99", app.p99_ms, "ms", details={"hello_p99_ms": hello.p99_ms}),
        Figure("hello pairs (GET+POST), same client", hello.rate, "/s"),
    ]


def main() -> None:
    with bench_context() as ctx:
        figures = run(ctx)
        figures.append(ctx.rss_figure())
    print(table(figures))


if __name__ == "__main__":
    main()
