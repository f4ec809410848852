"""The fast lane's two statements on PostgreSQL, run on a connection each worker thread keeps.

They are survey.submissions' own statements (``link_query``, ``response_with_answers``),
compiled once by SQLAlchemy for psycopg; only the per-request work around them is skipped:
the pool checkout and return, SQLAlchemy's execution context and result wrapping (about a
third of a lane request's CPU under cProfile). Values go through ``submission_params``, so
what is stored is what the view stores.

The connection is autocommit: each statement is its own transaction, as in the view. When
it fails for any reason the connection is dropped and the error passes to the caller (the
lane hands the request to the view, which uses the pool and its liveness check); the next
request connects again.
"""

from __future__ import annotations

import threading

import psycopg
from sqlalchemy import Engine, event

from survey.models import Response
from survey.submissions import LinkView, link_query, link_view, response_with_answers

# Named values the caller gives; every other bound value of the statement is fixed.
STORE_VALUES = (
    "token_hash",
    "now",
    "quick_since",
    "assisted",
    "link_hash",
    "question_set_id",
    "submitted_at",
    "locale",
    "device_hash",
    "overall",
    "comment",
    "notice_version",
    "all_positive",
    "question_ids",
    "values",
)


class LaneStatements:
    """SQL and fixed values of the two statements, compiled for ``engine``'s dialect."""

    def __init__(self, engine: Engine) -> None:
        link = link_query().compile(dialect=engine.dialect)
        self.link_sql = link.string
        self.link_columns = tuple(column.key for column in link_query().selected_columns)
        store = response_with_answers().compile(dialect=engine.dialect)
        self.store_sql = store.string
        fixed = {k: v for k, v in store.construct_params(dict.fromkeys(STORE_VALUES)).items() if k not in STORE_VALUES}
        # Column defaults SQLAlchemy would fill in at execution (e.g. response.integrity).
        for name, value in fixed.items():
            if value is None:
                default = Response.__table__.c[name].default
                if default is None or not default.is_scalar:
                    raise ValueError(f"no fixed value for {name}")
                fixed[name] = default.arg
        self.store_fixed = fixed


class LaneConnection:
    """One autocommit psycopg connection per thread, taken from the engine's pool and kept.

    Made once per app, in the thread that builds it (create_app), where it also listens for
    the engine's disposal: a disposed engine (tests, a worker shutting down) closes every
    kept connection, and each thread connects again on its next request.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self._kept: list = []
        self._generation = 0
        event.listen(engine, "engine_disposed", lambda _engine: self.drop_all())

    def _connection(self) -> psycopg.Connection:
        local = self._local
        if getattr(local, "kept", None) is None or local.generation != self._generation:
            kept = self.engine.raw_connection()
            kept.driver_connection.autocommit = True
            with self._lock:
                self._kept.append(kept)
                local.kept, local.generation = kept, self._generation
        return local.kept.driver_connection

    def run(self, sql: str, params: dict):
        try:
            with self._connection().cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        except psycopg.errors.IntegrityError:
            raise
        except Exception:
            self.drop()
            raise

    def drop(self) -> None:
        """Forget this thread's connection (it failed): the next request connects again."""
        kept, self._local.kept = getattr(self._local, "kept", None), None
        with self._lock:
            mine = kept is not None and kept in self._kept
            if mine:
                self._kept.remove(kept)
        if mine:  # else drop_all has closed it already
            kept.invalidate()

    def drop_all(self) -> None:
        with self._lock:
            kept, self._kept = self._kept, []
            self._generation += 1
        for connection in kept:
            connection.invalidate()


def read_link_raw(lane: LaneConnection, statements: LaneStatements, params: dict) -> LinkView:
    row = lane.run(statements.link_sql, params)
    return link_view(None if row is None else dict(zip(statements.link_columns, row, strict=True)))


def store_raw(lane: LaneConnection, statements: LaneStatements, params: dict) -> bool | None:
    """True: stored; False: the link was answered already; None: no open link."""
    values = {name: params[name] for name in STORE_VALUES}
    try:
        row = lane.run(statements.store_sql, {**statements.store_fixed, **values})
    except psycopg.errors.IntegrityError:
        return False
    return row is not None
