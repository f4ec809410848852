"""What every benchmark needs: a throw-away PostgreSQL database and gunicorn on 127.0.0.1.

Servers run exactly as in production (``gunicorn -c gunicorn.conf.py``, sync workers,
SURVEY_ENV=production) except for plain HTTP, no scheduler and, for throughput runs, no
rate limits. The hello-world app (``bench.hello``) is served with the same config file and
worker count, so the ratios compare our code with the floor of the same stack.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
# Any database on this server may be used; the bench creates and drops its own.
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
# Extra gunicorn arguments for experiments, e.g. BENCH_GUNICORN_ARGS="--preload".
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "").split()


# --- databases ----------------------------------------------------------------------------


def database_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            # A killed server may leave sessions behind; DROP refuses while any is open.
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def create_database(name: str) -> str:
    """A fresh, empty database (an old one of the same name is dropped first)."""
    drop_database(name)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return database_url(name)


@contextlib.contextmanager
def scratch_database(name: str, keep: bool = False) -> Iterator[str]:
    url = create_database(name)
    try:
        yield url
    finally:
        if not keep:
            drop_database(name)


# --- environment and CLI ------------------------------------------------------------------


def app_env(db_url: str, secret: str, *, ratelimit: bool = False, **extra: str) -> dict[str, str]:
    """Production settings, minus what needs TLS or a clock: plain HTTP, no scheduler."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env.update(
        SURVEY_ENV="production",
        SURVEY_SECRET_KEY=secret,
        SURVEY_DATABASE_URL=db_url,
        SURVEY_SCHEDULER_ENABLED="0",
        SURVEY_RATELIMIT_ENABLED="1" if ratelimit else "0",
        SURVEY_FORCE_HTTPS="0",
        SURVEY_SECURE_COOKIES="0",
    )
    env.update(extra)
    # Experiments: BENCH_APP_ENV="SURVEY_X=1,SURVEY_Y=0" passes settings to the app under test.
    for pair in filter(None, os.environ.get("BENCH_APP_ENV", "").split(",")):
        key, _, value = pair.partition("=")
        env[key.strip()] = value.strip()
    return env


def new_secret() -> str:
    return secrets.token_urlsafe(48)


def flask_cli(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def create_api_key(env: dict[str, str], name: str = "bench") -> str:
    return flask_cli(env, "apikey", "create", "--name", name).strip().splitlines()[-1]


# --- processes ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Direct children, from /proc (gunicorn workers of a master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the ppid follows the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def memory_mb(pid: int) -> dict[str, float]:
    """RSS, PSS (shared pages split between sharers) and USS (pages only this process has).

    RSS counts every resident page, shared or not; PSS and USS say what a worker really
    costs when workers share pages with the master (gunicorn --preload).
    """
    fields = {"Rss": "rss", "Pss": "pss", "Private_Clean": "uss", "Private_Dirty": "uss"}
    out = {"rss": 0.0, "pss": 0.0, "uss": 0.0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            if name in fields:
                out[fields[name]] += int(rest.split()[0]) / 1024
    except OSError:
        return {}
    return out


@dataclass
class Server:
    """One gunicorn master with its workers, bound to a free 127.0.0.1 port."""

    app: str
    env: dict[str, str]
    workers: int = WORKERS
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    log_dir: Path = RESULTS

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        env = dict(self.env, SURVEY_BIND=f"127.0.0.1:{self.port}", SURVEY_WORKERS=str(self.workers))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # One log per app, overwritten by the next run: the last run stays for debugging.
        self.log_path = self.log_dir / f"gunicorn-{self.app.replace(':', '-')}.log"
        log = open(self.log_path, "w")  # noqa: SIM115 - the child writes to it for its whole life
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--no-control-socket",
                *GUNICORN_ARGS,
                self.app,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our own process group: stop() kills exactly this tree
        )
        log.close()
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as reply:  # noqa: S310
                    if reply.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.app} not healthy after {timeout} s; see {self.log_path}:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text()[-chars:] if self.log_path and self.log_path.exists() else ""

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def worker_rss_mb(self) -> list[float]:
        return [mb for mb in (rss_mb(pid) for pid in self.worker_pids()) if mb is not None]

    def worker_memory_mb(self) -> list[dict[str, float]]:
        return [m for m in (memory_mb(pid) for pid in self.worker_pids()) if m]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def hello_server(workers: int = WORKERS) -> Server:
    """The floor: a hello-world Flask app behind the same gunicorn settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    return Server("bench.hello:app", env, workers)
