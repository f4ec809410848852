"""A real gunicorn (several workers) on 127.0.0.1, serving the test's database.

The ``app`` fixture has created the tables; the server runs with the production config
(plain HTTP, no scheduler) in its own processes, so races, crashes and shared rate-limit
storage behave as in production. SQLite works too (a file shared by the workers).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator

import pytest

from bench.harness import Server, app_env, new_secret
from survey.questions import active_question_set

# `make soak` raises this to run the same tests for longer.
LOAD_SECONDS = float(os.environ.get("SURVEY_LOAD_SECONDS", "8"))
REDIS_URL = os.environ.get("SURVEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def serve(app, database_url: str, tmp_path) -> Iterator[Callable[..., Server]]:
    """Start gunicorn on the test database: ``serve(ratelimit=False, **SURVEY_vars)``."""
    started: list[Server] = []
    active_question_set()  # created once here, not raced by the first requests

    def start(ratelimit: bool = False, workers: int = 4, **extra: str) -> Server:
        server = Server("wsgi:app", app_env(database_url, new_secret(), ratelimit=ratelimit, **extra), workers)
        server.log_dir = tmp_path
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


def redis_reachable(url: str = REDIS_URL) -> bool:
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False
