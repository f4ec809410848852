"""Talking to the intake API as a case system would: codes, case bodies, timed batches."""

from __future__ import annotations

import http.client
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit


def _get_json(base_url: str, path: str) -> dict:
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        body = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"GET {path}: {reply.status} {body[:300]!r}")
        return json.loads(body)
    finally:
        conn.close()


@dataclass(frozen=True)
class Codes:
    agencies: list[str]  # wards: the bulk of real intake
    service: str


def reference_codes(base_url: str) -> Codes:
    agencies = _get_json(base_url, "/api/v1/agencies")["agencies"]
    services = _get_json(base_url, "/api/v1/services")["services"]
    wards = [a["code"] for a in agencies if a["kind"] == "ward"] or [a["code"] for a in agencies]
    return Codes(wards, services[0]["code"])


def case_times() -> dict[str, str]:
    """A case completed an hour ago, received two days before, due tomorrow."""
    completed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    return {
        "received_at": (completed - timedelta(days=2)).isoformat(),
        "due_at": (completed + timedelta(days=1)).isoformat(),
        "completed_at": completed.isoformat(),
    }


def run_prefix() -> str:
    """Case references unique to this run, so every posted case is new."""
    return f"B{secrets.token_hex(4)}"


def batch_body(codes: Codes, prefix: str, start: int, size: int) -> bytes:
    times = case_times()
    cases = [
        {
            "agency_code": codes.agencies[i % len(codes.agencies)],
            "service_code": codes.service,
            "case_ref": f"{prefix}-{i}",
            "channel": "online",
            **times,
        }
        for i in range(start, start + size)
    ]
    return json.dumps({"cases": cases}).encode()


def post_batch(base_url: str, api_key: str, body: bytes) -> tuple[float, list[str]]:
    """POST one batch; return its wall-clock latency and the survey tokens it issued."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
    try:
        started = time.perf_counter()
        conn.request("POST", "/api/v1/cases", body=body, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        elapsed = time.perf_counter() - started
    finally:
        conn.close()
    if reply.status != 201:
        raise RuntimeError(f"batch POST: {reply.status} {data[:500]!r}")
    tokens = [case["survey_url"].rsplit("/s/", 1)[1] for case in json.loads(data)["cases"]]
    return elapsed, tokens


def issue_tokens(
    base_url: str, api_key: str, codes: Codes, count: int, batch: int = 1000
) -> tuple[list[str], list[float]]:
    """Fresh survey tokens through the intake API, with each batch's latency."""
    prefix = run_prefix()
    tokens: list[str] = []
    latencies: list[float] = []
    for start in range(0, count, batch):
        elapsed, issued = post_batch(base_url, api_key, batch_body(codes, prefix, start, min(batch, count - start)))
        tokens += issued
        latencies.append(elapsed)
    return tokens, latencies
