"""deploy/ for real: nginx in front of two app instances on one PostgreSQL and one Redis.

What a second app host must not break: load spread, caches that catch up, rate limits
counted once, one publication, and no acknowledged submission lost when a host dies.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bench.harness import BIN, ROOT
from survey.extensions import db
from survey.intake import register_cases, validate_batch
from survey.models import AuditLog, Response, Snapshot
from survey.tokens import response_link_hash
from tests import factories
from tests.deploy.conftest import CACHE_SECONDS, TOKEN_LIMIT, Topology
from tests.load.citizen import open_form, post_form

FLASK = str(BIN / "flask")


def access_lines(server, method: str, prefix: str) -> int:
    """How many requests this instance answered for ``method`` + path prefix (its access log)."""
    count = 0
    for line in server.log_path.read_text().splitlines():
        if '"survey.access"' not in line:
            continue
        fields = json.loads(line).get("http", {})
        if fields.get("method") == method and str(fields.get("path", "")).startswith(prefix):
            count += 1
    return count


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=15) as reply:  # noqa: S310
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def issue_tokens(topology: Topology, prefix: str, count: int) -> list[str]:
    completed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    with topology.app.app_context():
        cases = [factories.case_json(f"{prefix}-{i}", completed=completed) for i in range(count)]
        tokens = [issued.token for issued in register_cases(validate_batch(cases))]
        db.session.remove()
    return tokens


def test_requests_spread_across_both_instances(topology: Topology):
    before = [access_lines(s, "GET", "/api/v1/services") for s in topology.instances]
    for _ in range(12):
        status, _, _ = get(f"{topology.nginx.base_url}/api/v1/services")
        assert status == 200
    served = [access_lines(s, "GET", "/api/v1/services") - b for s, b in zip(topology.instances, before, strict=True)]
    assert sum(served) == 12 and min(served) >= 4, served  # round-robin: about half each


def test_rate_limits_are_counted_once_for_both_instances(topology: Topology):
    """One link posted 3 × its limit through nginx, alternately to each instance: the limit holds overall."""
    (token,) = issue_tokens(topology, "DEPLOY-RL", 1)
    opened = open_form(topology.nginx.base_url, token)
    assert opened.status == 200
    before = [access_lines(s, "POST", "/s/") for s in topology.instances]
    statuses = Counter(post_form(topology.nginx.base_url, token, opened)[0] for _ in range(3 * TOKEN_LIMIT))
    reached = [access_lines(s, "POST", "/s/") - b for s, b in zip(topology.instances, before, strict=True)]
    assert min(reached) >= TOKEN_LIMIT, reached  # each instance alone would have allowed TOKEN_LIMIT more
    # Within the limit: the first post stores the answers, the others see "already answered".
    assert statuses == Counter({303: 1, 409: TOKEN_LIMIT - 1, 429: 2 * TOKEN_LIMIT}), statuses


def _snapshots(topology: Topology) -> list[tuple[str, str, int, str]]:
    with topology.app.app_context():
        rows = db.session.execute(
            select(Snapshot.period, Snapshot.peer_group, Snapshot.revision, Snapshot.id).order_by(Snapshot.id)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_scheduler_on_both_hosts_publishes_exactly_once(topology: Topology, tmp_path):
    """Both hosts' scheduler units (deploy/systemd/survey-scheduler.service) catch up at start."""
    before = {(p, g) for p, g, _, _ in _snapshots(topology)}
    units = []
    for host in ("a", "b"):
        log = open(tmp_path / f"scheduler-{host}.log", "w")  # noqa: SIM115 - the child writes to it
        units.append(
            (
                subprocess.Popen(
                    [FLASK, "--app", "wsgi", "jobs", "run", "publication"],
                    cwd=ROOT,
                    env=topology.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                ),
                tmp_path / f"scheduler-{host}.log",
            )
        )
        log.close()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = [path.read_text().count("executed successfully") for _, path in units]
            if all(done):
                break
            assert all(p.poll() is None for p, _ in units), [path.read_text()[-2000:] for _, path in units]
            time.sleep(0.3)
        else:
            raise AssertionError([path.read_text()[-2000:] for _, path in units])
    finally:
        for process, _ in units:
            process.send_signal(signal.SIGTERM)
        for process, _ in units:
            process.wait(timeout=30)

    after = _snapshots(topology)
    keys = Counter((p, g, r) for p, g, r, _ in after)
    assert all(n == 1 for n in keys.values()), keys
    published = {(p, g) for p, g, _, _ in after}
    assert {p for p, _ in published} >= set(topology.periods), published  # both ended months
    with topology.app.app_context():
        by_scheduler = db.session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.actor == "scheduler", AuditLog.action == "snapshot.publish")
        )
        db.session.remove()
    assert by_scheduler == len(published - before), (by_scheduler, published - before)


def test_a_correction_through_one_host_shows_through_the_other_within_the_cache_window(topology: Topology):
    period = topology.periods[0]
    done = topology.flask("ranking", "publish", "--period", period, "--no-charts")  # skipped if already out
    assert done.returncode == 0, done.stderr[-2000:]
    page = f"/rankings/ward/{period}"
    a, b = (s.base_url for s in topology.instances)
    status, headers, _ = get(b + page)
    assert status == 200
    old_etag = headers["ETag"]
    assert get(b + page)[1]["ETag"] == old_etag  # now in B's per-worker cache

    # Host A's administrator corrects the period (the CLI on that host).
    done = topology.flask("ranking", "publish", "--period", period, "--correct", "deploy test", "--no-charts")
    assert done.returncode == 0 and "snapshot" in done.stdout, (done.stdout, done.stderr[-2000:])
    time.sleep(CACHE_SECONDS + 0.5)  # the cache window, and no longer
    for url in (b + page, a + page, topology.nginx.base_url + page):
        status, headers, _ = get(url)
        assert status == 200 and headers["ETag"] != old_etag, url


def submit(base_url: str, token: str) -> str:
    try:
        opened = open_form(base_url, token, timeout=10)
        if opened.status != 200:
            return f"form {opened.status}"
        status, _ = post_form(base_url, token, opened, timeout=10)
        return "acknowledged" if status == 303 else f"post {status}"
    except (OSError, http.client.HTTPException):
        return "cut off"


def test_killing_one_instance_loses_no_acknowledged_submission(topology: Topology):
    """Citizens keep submitting through nginx while instance B is killed (master and workers, SIGKILL)."""
    clients, seconds = 4, 4.0
    tokens = issue_tokens(topology, "DEPLOY-KILL", 400)
    victim = topology.instances[1]
    pending, lock, outcomes = iter(tokens), threading.Lock(), {}
    deadline = time.monotonic() + seconds

    def citizen() -> None:
        while time.monotonic() < deadline:
            with lock:
                token = next(pending, None)
            if token is None:
                return
            outcomes[token] = submit(topology.nginx.base_url, token)

    try:
        with ThreadPoolExecutor(clients) as pool:
            futures = [pool.submit(citizen) for _ in range(clients)]
            time.sleep(seconds / 3)
            os.killpg(victim.process.pid, signal.SIGKILL)  # the whole host's gunicorn, mid-request
            victim.process.wait(timeout=10)
            for future in futures:
                future.result()
    finally:
        victim.start()  # back for any test that runs after this one

    seen = Counter(outcomes.values())
    acknowledged = [t for t, outcome in outcomes.items() if outcome == "acknowledged"]
    assert len(acknowledged) >= 10, seen  # the load ran, and went on after the kill
    # A request cut off by the kill is a 502 from nginx (never retried once a POST reached B);
    # any other server error is a bug.
    assert not [o for o in seen if o.startswith(("form 5", "post 5")) and not o.endswith("502")], seen
    with topology.app.app_context():
        # Answers name no invitation: each link's answer is found by the link's keyed hash.
        hashes = {t: response_link_hash(t) for t in outcomes}
        stored = dict(
            db.session.execute(
                select(Response.link_hash, func.count(Response.id))
                .where(Response.link_hash.in_(list(hashes.values())))
                .group_by(Response.link_hash)
            ).all()
        )
        db.session.remove()
    missing = [t for t in acknowledged if stored.get(hashes[t]) != 1]
    assert not missing, f"{len(missing)} acknowledged submissions not stored exactly once ({seen})"
    assert all(count == 1 for count in stored.values())
