"""A dead PostgreSQL connection found at checkout without a round trip.

``pool_pre_ping`` sent one ``SELECT 1`` per request (7 % of a survey submission's samples
under py-spy) to learn whether the pooled connection still works. A connection whose
server went away (restart, crash, a proxy or firewall cutting it) has a readable socket
while idle: the server's last words (57P01 "terminating connection") or the end of the
stream. Nothing else arrives on an idle connection (the app never LISTENs), so a
zero-timeout poll of the socket tells the same thing for free; the pool then opens a new
connection, as pre-ping would. A connection lost mid-request still fails that request with
a 503 (survey.errors), and SQLAlchemy drops the rest of the pool on such a disconnect.
"""

from __future__ import annotations

import select

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError


def idle_connection_is_dead(dbapi_connection: object) -> bool:
    """True when the server has closed (or spoken on) this idle psycopg connection."""
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:  # not psycopg: nothing to tell
        return False
    if getattr(dbapi_connection, "closed", False) or pgconn.status != 0:  # 0: CONNECTION_OK
        return True
    try:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def check_on_checkout(dbapi_connection, connection_record, connection_proxy) -> None:
    if idle_connection_is_dead(dbapi_connection):
        # The pool discards the connection and retries the checkout with a fresh one.
        raise DisconnectionError("the database closed this pooled connection")


def install(engine: Engine) -> None:
    """Check pooled PostgreSQL connections on checkout (other databases are left alone)."""
    psycopg = engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
    if psycopg and not event.contains(engine, "checkout", check_on_checkout):
        event.listen(engine, "checkout", check_on_checkout)
