"""Published pages under load: the league table page and a snapshot's open-data JSON,
each plain and as a conditional request (If-None-Match → 304).

    python -m bench.public_bench

Routes are found in ``flask routes`` (the app's url_map): a rule under /rankings/ with the
peer group and period, and /snapshots/<id>.json. Until those exist, /api/v1/agencies
stands in, and the figure's name says so.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from sqlalchemy import create_engine, select

from bench.context import BenchContext, bench_context
from bench.harness import flask_cli
from bench.load import LoadResult, abba, get_load
from bench.report import Figure, table
from survey.models import Snapshot

TARGET_RATIO = 0.70
STAND_IN = "/api/v1/agencies"
PLACEHOLDER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


@dataclass(frozen=True)
class Published:
    id: int
    period: str
    peer_group: str


def route_rules(ctx: BenchContext) -> list[str]:
    """Every URL rule of the running code (the Rule column of ``flask routes``)."""
    rules = []
    for line in flask_cli(ctx.env, "routes").splitlines()[2:]:
        rule = line.split()[-1] if line.split() else ""
        if rule.startswith("/"):
            rules.append(rule)
    return rules


def largest_snapshot(db_url: str) -> Published:
    """The latest month of the peer group with most agencies: the heaviest page we publish."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Snapshot.id, Snapshot.period, Snapshot.peer_group, Snapshot.summary)
                .where(Snapshot.period_kind == "month")
                .order_by(Snapshot.id)
            ).all()
    finally:
        engine.dispose()
    if not rows:
        raise RuntimeError("the bench database has no published snapshot")
    biggest = max(rows, key=lambda r: (r.summary.get("agencies", 0), r.period, r.id))
    return Published(biggest.id, biggest.period, biggest.peer_group)


def fill(rule: str, snapshot: Published) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if "group" in name:
            return snapshot.peer_group
        if "period" in name:
            return snapshot.period
        return str(snapshot.id)

    return PLACEHOLDER.sub(value, rule)


def public_urls(ctx: BenchContext) -> tuple[str, str]:
    """(league page, open-data JSON) URLs: the real routes when they exist, else the stand-in."""
    rules = route_rules(ctx)
    snapshot = largest_snapshot(ctx.db_url)
    page = next((r for r in rules if r.startswith("/rankings/") and r.count("<") == 2), None)
    data = next((r for r in rules if r.startswith("/snapshots/") and r.endswith(".json")), None)
    base = ctx.app.base_url
    return (base + (fill(page, snapshot) if page else STAND_IN), base + (fill(data, snapshot) if data else STAND_IN))


def probe(url: str) -> tuple[int, dict[str, str]]:
    """One GET: its status, and the conditional-request header a browser or CDN would send back."""
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 (127.0.0.1 only)
            status, etag, modified = reply.status, reply.headers.get("ETag"), reply.headers.get("Last-Modified")
    except urllib.error.HTTPError as error:
        return error.code, {}
    if etag:
        return status, {"If-None-Match": etag}
    if modified:
        return status, {"If-Modified-Since": modified}
    return status, {}


def broken(name: str, why: str) -> Figure:
    return Figure(name, float("nan"), "req/s", f"≥ {TARGET_RATIO:.2f}× hello", None, False, {"why": why})


def _figure(name: str, result: LoadResult, hello: LoadResult) -> Figure:
    ratio = result.rate / hello.rate if hello.rate else float("nan")
    return Figure(
        name,
        result.rate,
        "req/s",
        f"≥ {TARGET_RATIO:.2f}× hello, 0 errors",
        ratio,
        result.errors == 0 and ratio >= TARGET_RATIO,
        {"p50_ms": result.p50_ms, "p99_ms": result.p99_ms, "errors": result.errors, "hello_rate": hello.rate},
    )


def run(ctx: BenchContext) -> list[Figure]:
    page, data = public_urls(ctx)

    def hello(duration: float) -> LoadResult:
        return get_load(ctx.hello.base_url + "/", duration=duration)

    def paired(name: str, url: str, expect: tuple[int, ...] = (200,), headers: dict | None = None) -> Figure:
        hello_result, result = abba(hello, lambda d: get_load(url, expect, headers, duration=d))
        hellos.append(hello_result.rate)
        return _figure(name, result, hello_result)

    hellos: list[float] = []
    out = []
    for label, url in (("league page", page), ("open-data JSON", data)):
        name = label if not url.endswith(STAND_IN) else f"{label} (stand-in {STAND_IN})"
        status, condition = probe(url)
        if status != 200:  # a broken page is a result too, not a reason to stop the run
            out += [broken(name, f"GET {url} answered {status}"), broken(f"{name}, conditional 304", "page broken")]
            continue
        out.append(paired(name, url))
        if condition:
            out.append(paired(f"{name}, conditional 304", url, (304,), condition))
        else:
            out.append(broken(f"{name}, conditional 304", "no ETag/Last-Modified"))
    # The app's own floor: one trivial query through the whole middleware stack.
    floor = paired("app floor: GET /healthz (1 query)", ctx.app.base_url + "/healthz")
    floor.target, floor.passed = "", None
    out.append(floor)
    out.append(
        Figure(
            "hello GET /, same client (mean)",
            sum(hellos) / len(hellos),
            "req/s",
            details={"each": [round(h) for h in hellos], "urls": [page, data]},
        )
    )
    return out


def main() -> None:
    with bench_context() as ctx:
        figures = run(ctx)
        figures.append(ctx.rss_figure())
    print(table(figures))


if __name__ == "__main__":
    main()
