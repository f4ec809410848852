"""Start-up and run-time checks of the settings production needs (issue 14, item 2).

Two mistakes silently break rate limiting in production:
- ``memory://`` limiter storage with several gunicorn workers: each worker counts on its
  own, so "10 per minute" lets ``10 × workers`` through. This is known before the first
  request and fixed with one setting, so gunicorn refuses to start (``check_server``).
- a proxy in front while ``SURVEY_PROXY_HOPS=0``: every client looks like the proxy, so one
  client exhausts the sign-in, reset and survey limits for everybody. It shows only when
  requests arrive, so ``ForwardedHeaderGuard`` logs an ERROR (again every ten minutes while
  it lasts) rather than answer 5xx: a wrong limiter setting should not take the public
  site down on publication day. The reverse (hops configured, no forwarded header) means
  clients can forge their address, and is reported the same way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

log = logging.getLogger("survey.deploy")
FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
REPEAT_SECONDS = 600.0


def server_problems(settings: Mapping[str, Any], workers: int) -> list[str]:
    """What is wrong with running these settings under ``workers`` processes."""
    problems = []
    storage = str(settings.get("RATELIMIT_STORAGE_URI") or "memory://")
    if settings.get("RATELIMIT_ENABLED", True) and workers > 1 and storage.startswith("memory://"):
        problems.append(
            f"rate limits use memory:// storage with {workers} workers, so each worker counts alone and "
            f"every limit is {workers}x too high. Set SURVEY_RATELIMIT_STORAGE_URL=redis://host:6379/0 "
            "(shared by all workers) or run one worker (SURVEY_WORKERS=1)."
        )
    return problems


def check_server(settings: Mapping[str, Any], workers: int) -> None:
    """Refuse to start a production server whose settings cannot be right (gunicorn's on_starting)."""
    if settings.get("ENV_NAME") != "production":
        return
    problems = server_problems(settings, workers)
    for problem in problems:
        log.critical("refusing to start: %s", problem)
    if problems:
        raise SystemExit("refusing to start: " + " ".join(problems))


class ForwardedHeaderGuard:
    """WSGI middleware that reports forwarded headers disagreeing with ``PROXY_HOPS`` (never blocks)."""

    def __init__(self, app: Callable, proxy_hops: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.proxy_hops = proxy_hops
        self.clock = clock
        self._last: dict[str, float] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        forwarded = [name for name in FORWARDED if name in environ]
        if forwarded and not self.proxy_hops:
            self._report(
                "unexpected-forwarded",
                "requests carry %s but SURVEY_PROXY_HOPS=0: every client looks like the proxy, so one client "
                "can use up the rate limits of all. Set SURVEY_PROXY_HOPS to the number of proxies in front.",
                ", ".join(name.removeprefix("HTTP_").replace("_", "-") for name in forwarded),
            )
        elif self.proxy_hops and "HTTP_X_FORWARDED_FOR" not in environ:
            self._report(
                "missing-forwarded",
                "SURVEY_PROXY_HOPS=%s but a request came without X-Forwarded-For: if clients can reach the app "
                "directly they can forge their address. Let only the proxy reach it, or set SURVEY_PROXY_HOPS=0.",
                self.proxy_hops,
            )
        return self.app(environ, start_response)

    def _report(self, kind: str, message: str, *args: object) -> None:
        now = self.clock()
        if now - self._last.get(kind, -REPEAT_SECONDS) >= REPEAT_SECONDS:
            self._last[kind] = now
            log.error("deployment setting is wrong: " + message, *args)
