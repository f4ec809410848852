"""Fallback load client (when wrk is missing): one process per connection, http.client.

    python -m bench.pyclient get URL 200 304 [--header "If-None-Match: x"]
    python -m bench.pyclient survey BASE_URL TOKEN_FILE CONNECTIONS
    python -m bench.pyclient intake CASES_URL KEY PREFIX SERVICE RECEIVED DUE COMPLETED AGENCY...

Prints one JSON line with the fields of ``bench.load.LoadResult``. Processes, not threads,
so the GIL never becomes the bottleneck being measured.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import re
import time
from urllib.parse import urlsplit

CSRF_RE = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
ANSWERS = (
    "overall=5&ease=4&timeliness=2&courtesy=5&fairness=1&outcome=1&visits=1&complaint=3&helped=no&comment=&csrf_token="
)


class Connection:
    """Keep-alive when the server allows it; gunicorn's sync workers close after each reply."""

    def __init__(self, host: str, port: int) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=10)
        self.latencies: list[float] = []

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers or {})
        reply = self.conn.getresponse()
        data = reply.read()
        self.latencies.append(time.perf_counter() - started)
        if reply.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return reply, data


def session_cookie(reply: http.client.HTTPResponse) -> str:
    """The Flask session cookie (it carries the CSRF secret), among all Set-Cookie headers."""
    for header in reply.msg.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    return ""


def _get_worker(url: str, headers: dict, expect: set[int], deadline: float, out) -> None:
    parts = urlsplit(url)
    conn = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
    ok = errors = 0
    while time.perf_counter() < deadline:
        try:
            reply, _ = conn.request("GET", parts.path or "/", headers=headers)
            ok, errors = (ok + 1, errors) if reply.status in expect else (ok, errors + 1)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.conn.close()
    out.put((ok, errors, conn.latencies, False))


def _survey_worker(base: str, tokens: list[str], deadline: float, out) -> None:
    parts = urlsplit(base)
    conn = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
    ok = errors = 0
    exhausted = True
    for token in tokens:
        if time.perf_counter() >= deadline:
            exhausted = False
            break
        try:
            reply, body = conn.request("GET", f"/s/{token}")
            match = CSRF_RE.search(body)
            cookie = session_cookie(reply)
            if reply.status != 200 or not match or not cookie:
                errors += 1
                continue
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            reply, _ = conn.request("POST", f"/s/{token}", ANSWERS + match.group(1).decode(), headers)
            ok, errors = (ok + 1, errors) if reply.status == 303 else (ok, errors + 1)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.conn.close()
    out.put((ok, errors, conn.latencies, exhausted))


def _intake_worker(url: str, args: list[str], worker: int, deadline: float, out) -> None:
    parts = urlsplit(url)
    conn = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
    key, prefix, service, received, due, completed, *agencies = args
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    ok = errors = counter = 0
    while time.perf_counter() < deadline:
        counter += 1
        body = {
            "agency_code": agencies[(counter + worker) % len(agencies)],
            "service_code": service,
            "case_ref": f"{prefix}-{worker}-{counter}",
            "received_at": received,
            "due_at": due,
            "completed_at": completed,
            "channel": "online",
        }
        try:
            reply, _ = conn.request("POST", parts.path, json.dumps(body), headers)
            ok, errors = (ok + 1, errors) if reply.status == 201 else (ok, errors + 1)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.conn.close()
    out.put((ok, errors, conn.latencies, False))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=("get", "survey", "intake"))
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in options.header)
    out: multiprocessing.Queue = multiprocessing.Queue()
    started = time.perf_counter()
    deadline = started + options.duration
    if options.scenario == "get":
        expect = {int(code) for code in options.args}
        jobs = [(options.url, headers, expect, deadline, out) for _ in range(options.connections)]
        target = _get_worker
    elif options.scenario == "intake":
        jobs = [(options.url, options.args, i, deadline, out) for i in range(options.connections)]
        target = _intake_worker
    else:
        token_file, connections = options.args[0], int(options.args[1])
        with open(token_file) as handle:
            tokens = handle.read().split()
        jobs = [(options.url, tokens[i::connections], deadline, out) for i in range(connections)]
        target = _survey_worker
    procs = [multiprocessing.Process(target=target, args=job) for job in jobs]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=options.duration + 30) for _ in procs]
    for proc in procs:
        proc.join()
    seconds = time.perf_counter() - started
    latencies = [value for _, _, lat, _ in results for value in lat]
    print(
        json.dumps(
            {
                "client": "python",
                "seconds": seconds,
                "requests": len(latencies),
                "iterations": sum(r[0] for r in results),
                "errors": sum(r[1] for r in results),
                "p50_ms": 1000 * percentile(latencies, 50),
                "p99_ms": 1000 * percentile(latencies, 99),
                "exhausted": any(r[3] for r in results),
                "connections": len(procs),
            }
        )
    )


if __name__ == "__main__":
    main()
