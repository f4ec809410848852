"""The production topology of deploy/, running here: nginx in front of two app instances.

Debian's nginx (installed by .ci/install-nginx when missing) with the site's own proxy
block (deploy/nginx/survey-proxy.conf), in front of two gunicorn instances (the
survey-app unit's command, two workers each) on one PostgreSQL database and one Redis
(a database index of its own, emptied first). Only PostgreSQL makes this a real
multi-host setup (an SQLite file cannot be shared by hosts), so on SQLite the tests
are skipped and say why.

Started once per module; ``pytest -n`` keeps the module on one worker (xdist_group, with
``--dist loadgroup`` in the Makefile).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from bench.harness import BIN, ROOT, Server, app_env, free_port, new_secret
from ranking.periods import period_containing
from survey import create_app
from survey.extensions import db as _db
from survey.questions import active_question_set
from tests import factories
from tests.conftest import PG_URL, IsolatedClient

REDIS_URL = os.environ.get("SURVEY_DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/14")
CACHE_SECONDS = 2  # SURVEY_PUBLIC_CACHE_SECONDS of both instances: the window a correction may take
TOKEN_LIMIT = 5  # SURVEY_RATELIMIT_SURVEY_TOKEN per hour: what "shared" is checked with
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def _nginx_binary() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_timeout=2)


def _skip_reason() -> str | None:
    if not PG_URL:
        return "tests/deploy need PostgreSQL: set SURVEY_TEST_DATABASE_URL (two app hosts cannot share an SQLite file)"
    try:
        _redis_client().ping()
    except Exception as exc:  # any failure to reach it is the same reason to skip
        return f"tests/deploy need Redis at {REDIS_URL}: {exc}"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = _skip_reason()
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.load)
            item.add_marker(pytest.mark.xdist_group("deploy"))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Nginx:
    port: int
    process: subprocess.Popen
    prefix: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish requests in flight
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def nginx_conf(prefix: Path, port: int, upstreams: list[int]) -> str:
    """A minimal nginx.conf around the production proxy block, on loopback, plain HTTP."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in upstreams)
    return f"""
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream survey_app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        include {ROOT}/deploy/nginx/survey-proxy.conf;
    }}
}}
"""


def start_nginx(prefix: Path, upstreams: list[int], timeout: float = 15) -> Nginx:
    binary = _nginx_binary()
    if binary is None:
        subprocess.run(["sh", str(ROOT / ".ci" / "install-nginx")], check=True, timeout=600)
        binary = _nginx_binary()
    assert binary, "nginx is missing and .ci/install-nginx did not install it"
    prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(prefix, 0o755)  # noqa: S103 - nginx's workers drop to an unprivileged user when run as root
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, port, upstreams))
    subprocess.run([binary, "-t", "-q", "-p", str(prefix), "-c", str(conf)], check=True, timeout=30)
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"], start_new_session=True
    )
    proxy = Nginx(port, process, prefix)
    deadline = time.monotonic() + timeout
    import urllib.request

    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{proxy.base_url}/healthz", timeout=2) as reply:  # noqa: S310
                if reply.status == 200:
                    return proxy
        except OSError:
            time.sleep(0.1)
    proxy.stop()
    raise RuntimeError(f"nginx did not answer in {timeout} s: {(prefix / 'error.log').read_text()[-2000:]}")


@dataclass
class Topology:
    app: Flask  # the tests' own handle on the shared database
    env: dict[str, str]  # every host's settings (deploy/survey.env.example, on loopback)
    instances: list[Server]
    nginx: Nginx
    periods: list[str]  # ended months with answers, not published at start

    def flask(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """``flask --app wsgi …`` as an administrator would run it on one of the hosts."""
        return subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _seed(app: Flask) -> list[str]:
    """The small city with answers in the last two ended months."""
    now = datetime.now(UTC)
    last = period_containing(now, "month").previous()
    months = [last.previous(), last]
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        factories.small_city()
        active_question_set()
        for month in months:
            middle = month.start + timedelta(days=10)
            for code, good in (("Q1-BN", 8), ("Q1-DK", 5), ("Q3-P1", 3)):
                factories.responses(code, good, 10 - good, middle, prefix=f"D{month.key}")
        _db.session.remove()
    return [m.key for m in months]


@pytest.fixture(scope="module")
def topology(postgres_url: str, tmp_path_factory) -> Iterator[Topology]:
    secret = new_secret()  # one secret for every host and for the checks here (answers' link hashes use it)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": secret})
    app.test_client_class = IsolatedClient
    periods = _seed(app)
    _redis_client().flushdb()  # our own index: counters of an earlier run must not count
    env = app_env(
        postgres_url,
        secret,  # links, sessions and CSRF work across hosts
        ratelimit=True,
        SURVEY_RATELIMIT_STORAGE_URL=REDIS_URL,
        SURVEY_PROXY_HOPS="1",
        SURVEY_PUBLIC_CACHE_SECONDS=str(CACHE_SECONDS),
        SURVEY_RATELIMIT_SURVEY="100000 per minute",  # all clients arrive from 127.0.0.1 here
        SURVEY_RATELIMIT_SURVEY_TOKEN=f"{TOKEN_LIMIT} per hour",
    )
    tmp = tmp_path_factory.mktemp("deploy")
    instances = []
    for name in ("a", "b"):
        server = Server("wsgi:app", env, workers=2)
        server.log_dir = tmp / name
        instances.append(server)
    nginx = None
    try:
        with ThreadPoolExecutor(2) as pool:  # both boot at once
            list(pool.map(lambda s: s.start(), instances))
        nginx = start_nginx(tmp / "nginx", [s.port for s in instances])
        yield Topology(app, env, instances, nginx, periods)
    finally:
        if nginx is not None:
            nginx.stop()
        for server in instances:
            server.stop()
        with app.app_context():
            _db.session.remove()
            _db.drop_all()
            _db.engine.dispose()
