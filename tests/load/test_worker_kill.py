"""kill -9 of gunicorn workers in the middle of a submission load.

Every submission the client saw acknowledged (303) must be in the database, complete (all
its answers), and none twice. Submissions cut off by a kill may or may not be stored:
the citizen saw an error and may retry, which the single-use link then answers with 409.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from survey.intake import register_cases, validate_batch
from survey.models import Answer, Response
from survey.tokens import response_link_hash, sha256_hex
from tests import factories
from tests.load.citizen import open_form, post_form
from tests.load.conftest import LOAD_SECONDS

CLIENTS = 8
# A respawned worker needs a second or two to import the app on two cores.
BOOT_S = 2.0


def issue_tokens(count: int) -> list[str]:
    completed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    cases = [factories.case_json(f"KILL-{i}", completed=completed) for i in range(count)]
    return [issued.token for issued in register_cases(validate_batch(cases))]


def submit(base_url: str, token: str) -> str:
    """One citizen's whole submission; the outcome as the client saw it."""
    try:
        opened = open_form(base_url, token, timeout=10)
        if opened.status != 200:
            return f"form {opened.status}"
        status, _ = post_form(base_url, token, opened, timeout=10)
        return "acknowledged" if status == 303 else f"post {status}"
    except (OSError, http.client.HTTPException):  # reset, or closed mid-reply, by the killed worker
        return "cut off"


def killer(server, stop: threading.Event, kills: list[int]) -> None:
    """SIGKILL one random worker whenever all of them have been up for BOOT_S.

    Under this load every worker is busy, so each kill lands in the middle of a request;
    waiting for the replacement to boot keeps three of four workers serving meanwhile.
    """
    rng = random.Random(6)
    first_seen: dict[int, float] = {}
    while not stop.wait(0.2):
        now = time.monotonic()
        workers = server.worker_pids()
        for pid in workers:
            first_seen.setdefault(pid, now)
        if len(workers) < server.workers or any(now - first_seen[pid] < BOOT_S for pid in workers):
            continue
        victim = rng.choice(workers)
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
            kills.append(victim)


@pytest.mark.slow
def test_acknowledged_submissions_survive_worker_kills(serve, city, db):
    tokens = issue_tokens(int(100 * LOAD_SECONDS))
    server = serve()
    stop, kills = threading.Event(), []
    outcomes: dict[str, str] = {}
    deadline = time.monotonic() + LOAD_SECONDS
    pending = iter(tokens)
    lock = threading.Lock()

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                token = next(pending, None)
            if token is None:
                return
            outcomes[token] = submit(server.base_url, token)

    chaos = threading.Thread(target=killer, args=(server, stop, kills))
    chaos.start()
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            for future in [pool.submit(client) for _ in range(CLIENTS)]:
                future.result()
    finally:
        stop.set()
        chaos.join()

    seen = Counter(outcomes.values())
    assert len(kills) >= 2, kills
    assert seen["acknowledged"] >= 20, seen  # the load really ran between kills
    assert seen["cut off"] >= 1, seen  # and kills really hit submissions in flight
    assert not [o for o in seen if o.startswith(("form 5", "post 5"))], (seen, server.log_tail())

    db.session.remove()
    # A response names no invitation; its link hash (keyed by the server) pairs it with the token that answered.
    current_app.config["SECRET_KEY"] = server.env["SURVEY_SECRET_KEY"]
    by_link = dict(
        db.session.execute(select(Response.link_hash, func.count(Response.id)).group_by(Response.link_hash)).all()
    )
    stored = {sha256_hex(t): by_link[response_link_hash(t)] for t in outcomes if response_link_hash(t) in by_link}
    acknowledged = [t for t, outcome in outcomes.items() if outcome == "acknowledged"]
    missing = [t for t in acknowledged if stored.get(sha256_hex(t)) != 1]
    assert not missing, f"{len(missing)} acknowledged submissions not stored exactly once ({seen})"
    assert all(count == 1 for count in stored.values())  # none twice, acknowledged or not
    # Whatever was stored is whole: a kill never leaves a response without its answers.
    answers = db.session.execute(select(Answer.response_id, func.count()).group_by(Answer.response_id)).all()
    assert len(answers) == sum(stored.values()) and all(count == 6 for _, count in answers)
    # Only submissions the client saw cut off (or never finished) may have been stored unseen.
    unseen = len(stored) - len(acknowledged)
    assert 0 <= unseen <= seen["cut off"] + CLIENTS, seen
