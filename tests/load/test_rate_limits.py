"""Rate limits hold under concurrent load, shared by all workers through Redis.

Behind a proxy (SURVEY_PROXY_HOPS=1) the client address comes from X-Forwarded-For, so
each test uses addresses of its own and never shares counters with an earlier run.
"""

from __future__ import annotations

import http.client
import json
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from survey.models import Case, Response
from tests import factories
from tests.load.citizen import open_form, post_form
from tests.load.conftest import REDIS_URL, redis_reachable

pytestmark = pytest.mark.skipif(not redis_reachable(), reason=f"needs Redis at {REDIS_URL}")
LIMIT = 20
THREADS = 8


def limited_server(serve, **limits: str):
    return serve(ratelimit=True, SURVEY_RATELIMIT_STORAGE_URL=REDIS_URL, SURVEY_PROXY_HOPS="1", **limits)


def new_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"


def test_survey_posts_are_limited_per_address_and_per_token(serve, city, db):
    server = limited_server(
        serve, SURVEY_RATELIMIT_SURVEY=f"{LIMIT} per minute", SURVEY_RATELIMIT_SURVEY_TOKEN="5 per hour"
    )
    # Per address: 3 × LIMIT citizens with their own links, all behind one address.
    tokens = [factories.issue_link(f"RL-{i}") for i in range(3 * LIMIT)]
    address = {"X-Forwarded-For": new_address()}

    def citizen(token: str) -> int:
        opened = open_form(server.base_url, token, address)
        assert opened.status == 200  # opening the form is never limited
        return post_form(server.base_url, token, opened, address)[0]

    with ThreadPoolExecutor(THREADS) as pool:
        by_address = Counter(pool.map(citizen, tokens))
    assert by_address[303] <= LIMIT and by_address[429] >= len(tokens) - LIMIT, by_address
    assert set(by_address) <= {303, 429}, by_address
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Response)) == by_address[303]

    # Per token: one link hammered from 40 different addresses; after 5 posts it is refused.
    token = factories.issue_link("RL-TOKEN")
    opened = open_form(server.base_url, token)

    def replay(_: int) -> int:
        return post_form(server.base_url, token, opened, {"X-Forwarded-For": new_address()})[0]

    with ThreadPoolExecutor(THREADS) as pool:
        by_token = Counter(pool.map(replay, range(40)))
    # One answer stored, then "already answered" until the token's limit, then 429.
    assert by_token[303] == 1 and by_token[303] + by_token[409] <= 5 and by_token[429] >= 35, by_token


def _post_case(server, key: str, ref: str) -> int:
    host, port = server.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(
            "POST",
            "/api/v1/cases",
            body=json.dumps(factories.case_json(ref)),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        )
        reply = conn.getresponse()
        reply.read()
        return reply.status
    finally:
        conn.close()


def test_intake_is_limited_per_api_key(serve, city, db):
    first, second = factories.api_key(name="system A"), factories.api_key(name="system B")
    server = limited_server(serve, SURVEY_RATELIMIT_INTAKE=f"{LIMIT} per minute")
    run = secrets.token_hex(3)  # new case refs, and fresh per-key counters, on every run

    def post(item: tuple[str, int]) -> int:
        key, i = item
        return _post_case(server, key, f"RL-{run}-{key[-4:]}-{i}")

    jobs = [(first, i) for i in range(3 * LIMIT)] + [(second, i) for i in range(LIMIT)]
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(post, jobs))
    from_first = Counter(statuses[: 3 * LIMIT])
    from_second = Counter(statuses[3 * LIMIT :])
    assert from_first[201] <= LIMIT and from_first[429] >= 2 * LIMIT, from_first
    assert set(from_first) <= {201, 429}, from_first
    # The second system has its own budget: the first one's flood did not use it up.
    assert from_second == {201: LIMIT}, from_second
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Case)) == from_first[201] + LIMIT
