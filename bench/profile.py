"""Where the workers spend their time under one benchmark's load (py-spy, all workers).

    python -m bench.profile survey|page|json|intake|floor [--seconds 10]

Writes the collapsed stacks to bench/results/profile-<scenario>.txt (feed it to
flamegraph.pl or speedscope) and prints the functions with the most samples, inclusive,
first ours (survey/, ranking/) and then everyone's.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import threading
from collections import Counter
from pathlib import Path

from bench.cases import case_times, issue_tokens, reference_codes, run_prefix
from bench.context import BenchContext, bench_context
from bench.harness import BIN, RESULTS
from bench.load import get_load, intake_load, survey_load
from bench.public_bench import public_urls

OURS = ("survey/", "ranking/")


def load_for(ctx: BenchContext, scenario: str, seconds: float) -> threading.Thread:
    """Start the scenario's load in the background (the client is still a separate process)."""
    if scenario == "survey":
        codes = reference_codes(ctx.app.base_url)
        tokens, _ = issue_tokens(ctx.app.base_url, ctx.api_key, codes, int(400 * seconds))
        job = lambda: survey_load(ctx.app.base_url, tokens, duration=seconds + 2)  # noqa: E731
    elif scenario == "intake":
        codes = reference_codes(ctx.app.base_url)
        case = {"prefix": run_prefix(), "service_code": codes.service, **case_times()}
        job = lambda: intake_load(ctx.app.base_url, ctx.api_key, case, codes.agencies, duration=seconds + 2)  # noqa: E731
    elif scenario == "floor":
        url = ctx.app.base_url + "/healthz"
        job = lambda: get_load(url, duration=seconds + 2)  # noqa: E731
    else:
        page, data = public_urls(ctx)
        url = page if scenario == "page" else data
        job = lambda: get_load(url, duration=seconds + 2)  # noqa: E731
    thread = threading.Thread(target=job, daemon=True)
    thread.start()
    return thread


def summarise(stacks: Path, top: int = 25) -> str:
    """Inclusive samples per function (each function counted once per stack)."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in stacks.read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        if not frames or not count.isdigit():  # py-spy splits a process title holding a newline
            continue
        samples = int(count)
        total += samples
        for frame in set(frames.split(";")):
            inclusive[frame] += samples
    lines = [f"{total} samples"]
    for title, keep in (("ours", lambda f: any(p in f for p in OURS)), ("all", lambda f: True)):
        lines.append(f"-- top inclusive, {title}")
        for frame, samples in [(f, n) for f, n in inclusive.most_common() if keep(f)][:top]:
            lines.append(f"{100 * samples / max(total, 1):5.1f}%  {frame}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=("survey", "page", "json", "intake", "floor"))
    parser.add_argument("--seconds", type=float, default=10.0)
    options = parser.parse_args()
    spy = shutil.which("py-spy") or str(BIN / "py-spy")
    out = RESULTS / f"profile-{options.scenario}.txt"
    with bench_context() as ctx:
        load = load_for(ctx, options.scenario, options.seconds)
        subprocess.run(
            [spy, "record", "--pid", str(ctx.app.process.pid), "--subprocesses", "--duration",
             str(int(options.seconds)), "--rate", "200", "--format", "raw", "--output", str(out), "--nonblocking"],
            check=True, capture_output=True,
        )  # fmt: skip
        load.join()
    print(summarise(out))
    print(f"collapsed stacks: {out}")


if __name__ == "__main__":
    main()
