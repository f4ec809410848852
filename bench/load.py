"""Bounded load from a separate process: wrk when installed, else bench.pyclient.

wrk (C, event loop) leaves almost all of the two cores to the server, so it is preferred:
a Python client spends about as much CPU per request as a hello-world worker, which would
depress the hello-world baseline and flatter every ratio. Both clients run the same two
scenarios and report the same fields.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.harness import ROOT

LUA = Path(__file__).resolve().parent / "lua"
DURATION = float(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))


@dataclass
class LoadResult:
    client: str
    seconds: float
    requests: int  # HTTP requests completed
    iterations: int  # units of work done right: requests, or whole survey submissions
    errors: int  # socket errors, timeouts and unexpected statuses
    p50_ms: float  # per HTTP request
    p99_ms: float
    exhausted: bool = False  # the survey ran out of fresh tokens (the figure is then invalid)
    connections: int = CONNECTIONS

    @property
    def rate(self) -> float:
        return self.iterations / self.seconds if self.seconds else 0.0

    @property
    def iteration_ms(self) -> float:
        """Mean time per unit of work, by Little's law (connections are always busy)."""
        return 1000 * self.connections / self.rate if self.rate else float("nan")

    def as_dict(self) -> dict:
        return asdict(self) | {"rate": round(self.rate, 1), "iteration_ms": round(self.iteration_ms, 2)}


def client_name() -> str:
    wanted = os.environ.get("BENCH_CLIENT", "auto")
    if wanted == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return wanted


def _wrk(url: str, script: str, args: list[str], headers: dict[str, str], duration: float) -> LoadResult:
    source = (LUA / "common.lua").read_text() + "\n" + (LUA / script).read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(source)
    try:
        command = ["wrk", "-t", str(CONNECTIONS), "-c", str(CONNECTIONS), "-d", f"{duration:g}s", "--timeout", "10s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command += ["-s", handle.name, url, "--", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    finally:
        os.unlink(handle.name)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return LoadResult(
        client="wrk",
        seconds=raw["duration_us"] / 1e6,
        requests=raw["requests"],
        iterations=raw["ok"],
        errors=socket_errors + raw["bad"],
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        exhausted=raw["exhausted"] > 0,
    )


def _python(url: str, scenario: str, args: list[str], headers: dict[str, str], duration: float) -> LoadResult:
    command = [sys.executable, "-m", "bench.pyclient", scenario, url, *args, "--duration", str(duration)]
    command += ["--connections", str(CONNECTIONS)]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=duration + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench.pyclient failed:\n{done.stderr[-3000:]}")
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    return LoadResult(**raw)


def get_load(
    url: str, expect: tuple[int, ...] = (200,), headers: dict[str, str] | None = None, duration: float = DURATION
) -> LoadResult:
    """GET ``url`` repeatedly; only ``expect`` statuses count as done."""
    codes = [str(code) for code in expect]
    if client_name() == "wrk":
        return _wrk(url, "get.lua", codes, headers or {}, duration)
    return _python(url, "get", codes, headers or {}, duration)


def survey_load(base_url: str, tokens: list[str], duration: float = DURATION) -> LoadResult:
    """Whole survey submissions (GET form + POST with CSRF), one fresh token each."""
    with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as handle:
        handle.write("\n".join(tokens) + "\n")
    try:
        args = [handle.name, str(CONNECTIONS)]
        if client_name() == "wrk":
            return _wrk(base_url + "/", "survey.lua", args, {}, duration)
        return _python(base_url, "survey", args, {}, duration)
    finally:
        os.unlink(handle.name)


def intake_load(
    base_url: str, api_key: str, case: dict[str, str], agencies: list[str], duration: float = DURATION
) -> LoadResult:
    """Single-case POSTs to the intake API, each a new case (201 counts as done).

    ``case`` gives prefix (unique per run), service_code, received_at, due_at, completed_at.
    """
    args = [
        api_key,
        case["prefix"],
        case["service_code"],
        case["received_at"],
        case["due_at"],
        case["completed_at"],
        *agencies,
    ]
    if client_name() == "wrk":
        return _wrk(base_url + "/api/v1/cases", "intake.lua", args, {}, duration)
    return _python(base_url + "/api/v1/cases", "intake", args, {}, duration)


def combined(parts: list[LoadResult]) -> LoadResult:
    """Slices of one measurement as one result: totals add up; p50 is the median of the
    slices' p50, p99 the worst slice's p99 (wrk reports percentiles, not raw samples)."""
    p50s = sorted(p.p50_ms for p in parts)
    return LoadResult(
        client=parts[0].client,
        seconds=sum(p.seconds for p in parts),
        requests=sum(p.requests for p in parts),
        iterations=sum(p.iterations for p in parts),
        errors=sum(p.errors for p in parts),
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(p.p99_ms for p in parts),
        exhausted=any(p.exhausted for p in parts),
        connections=parts[0].connections,
    )


def abba(
    hello: Callable[[float], LoadResult], target: Callable[[float], LoadResult], duration: float = DURATION
) -> tuple[LoadResult, LoadResult]:
    """Hello and target in the order hello, target, target, hello, each for half the time.

    Other people's jobs on a shared machine make throughput drift within minutes; in this
    order a steady drift weighs on both sides equally, so their ratio stays fair.
    """
    half = duration / 2
    first = hello(half)
    targets = [target(half), target(half)]
    return combined([first, hello(half)]), combined(targets)
