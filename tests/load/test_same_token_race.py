"""200 citizens post the same survey link at the same instant: one answer is stored, every
other gets the friendly "already answered" page (409), and nothing fails."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from flask import current_app
from sqlalchemy import func, select

from survey.models import Answer, Invitation, Response
from survey.tokens import response_link_hash, sha256_hex
from tests import factories
from tests.load.citizen import open_form, post_form

CLIENTS = 200


def test_200_concurrent_posts_of_one_token_store_exactly_one(serve, city, db):
    token = factories.issue_link("RACE-1")
    server = serve()
    # Every client opens the form first (its CSRF token, bound to the link; no cookie), as 200 tabs would.
    with ThreadPoolExecutor(16) as pool:
        forms = list(pool.map(lambda _: open_form(server.base_url, token), range(CLIENTS)))
    assert all(f.status == 200 and f.csrf for f in forms)

    start = threading.Barrier(CLIENTS)

    def post(index: int) -> tuple[int, str]:
        start.wait(timeout=30)  # release all 200 POSTs together
        return post_form(server.base_url, token, forms[index], timeout=60)

    with ThreadPoolExecutor(CLIENTS) as pool:
        replies = list(pool.map(post, range(CLIENTS)))

    statuses = Counter(status for status, _ in replies)
    assert statuses == {303: 1, 409: CLIENTS - 1}, (statuses, server.log_tail())
    refusals = [body for status, body in replies if status == 409]
    assert all("Đã trả lời" in body for body in refusals)  # "Already answered", the friendly page

    db.session.remove()
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == sha256_hex(token)))
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert invitation is not None
    current_app.config["SECRET_KEY"] = server.env["SURVEY_SECRET_KEY"]  # link hashes are keyed by the server
    stored = db.session.scalar(select(Response).where(Response.link_hash == response_link_hash(token)))
    # The answers of the losing requests were rolled back with them: only the winner's remain.
    assert db.session.scalar(select(func.count()).select_from(Answer)) == len(stored.answers) == 6
