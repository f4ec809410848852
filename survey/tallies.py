"""Answer tallies: kept by database triggers, read by publication, proved by a full recount.

A response counts in the ``answer_tally`` row of its (agency, service, city month,
integrity status, channel). Triggers on ``response`` add and subtract in the same
transaction as the write, whatever makes it: a citizen's submission (one row), an
integrity check that holds or releases thousands of answers (one UPDATE), an erasure
(DELETE). Application code never writes a tally, so no code path can forget to.

PostgreSQL uses statement-level triggers with transition tables (a bulk UPDATE adds one
grouped upsert, not one per row; rows whose counted fields did not change cancel out);
SQLite, which has only row triggers, uses one per row. ``reconcile`` compares every tally
with a GROUP BY over the answers themselves (``flask --app wsgi ranking verify``), and
``rebuild`` recomputes them all (a backfill, a repair).

Months are city months: Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since
1975, so a stored (naive UTC) time plus 7 hours gives its city date on both databases;
tests/publication/test_tallies.py checks the offset for every year a period may name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text
from sqlalchemy.orm import Session

from survey.models.response import SATISFIED_FROM

CITY_UTC_OFFSET_HOURS = 7
DISSATISFIED_TO = 2  # "dissatisfied" and "very dissatisfied"
KEY = ("agency_id", "service_id", "month", "integrity", "channel")
# What one response adds to each count (``{row}`` is the trigger's row prefix, e.g. ``NEW.``)
# and the response columns that decide it: publication reads the first four, the
# integrity checks the last two (answers quick after their link, straight-lined answers).
COUNT_SQL = {
    "responses": ("1", ()),
    "answered": ("CASE WHEN {row}overall IS NOT NULL THEN 1 ELSE 0 END", ("overall",)),
    "satisfied": (f"CASE WHEN {{row}}overall >= {SATISFIED_FROM} THEN 1 ELSE 0 END", ("overall",)),
    "dissatisfied": (f"CASE WHEN {{row}}overall <= {DISSATISFIED_TO} THEN 1 ELSE 0 END", ("overall",)),
    "quick": ("CASE WHEN {row}quick THEN 1 ELSE 0 END", ("quick",)),
    "all_positive": ("CASE WHEN {row}all_positive THEN 1 ELSE 0 END", ("all_positive",)),
}
COUNTS = tuple(COUNT_SQL)
# The counts migration 0008 created (0010_check_tallies added quick and all_positive).
COUNTS_0008 = ("responses", "answered", "satisfied", "dissatisfied")
TRIGGERS = ("answer_tally_on_insert", "answer_tally_on_update", "answer_tally_on_delete")


def tracked(counts: tuple[str, ...] = COUNTS) -> tuple[str, ...]:
    """Response columns whose change moves a response between tallies or changes what it adds."""
    columns = ["agency_id", "service_id", "submitted_at", "integrity", "channel"]
    for name in counts:
        columns += [c for c in COUNT_SQL[name][1] if c not in columns]
    return tuple(columns)


def month_sql(dialect: str, row: str = "", column: str = "submitted_at") -> str:
    """SQL for the city month ("2026-10") of ``row``'s ``column`` (``row`` e.g. ``NEW.``)."""
    if dialect == "postgresql":
        return f"to_char({row}{column} + interval '{CITY_UTC_OFFSET_HOURS} hours', 'YYYY-MM')"
    return f"strftime('%Y-%m', {row}{column}, '+{CITY_UTC_OFFSET_HOURS} hours')"


def _count_sql(counts: tuple[str, ...], row: str = "") -> list[str]:
    """What one response adds to each of ``counts``, in that order."""
    return [COUNT_SQL[name][0].format(row=row) for name in counts]


def _key_sql(dialect: str, row: str = "") -> list[str]:
    return [f"{row}agency_id", f"{row}service_id", month_sql(dialect, row), f"{row}integrity", f"{row}channel"]


def recount_sql(dialect: str, source: str = "response", counts: tuple[str, ...] = COUNTS) -> str:
    """The tallies (``counts``, in that order) as a full recount of ``source`` would make them (one GROUP BY)."""
    columns = [*_key_sql(dialect), *(f"SUM({c})" for c in _count_sql(counts))]
    return f"SELECT {', '.join(columns)} FROM {source} GROUP BY 1, 2, 3, 4, 5"


# --- PostgreSQL: statement-level triggers with transition tables ----------------------------


def _pg_function(name: str, sources: list[tuple[str, int]], counts: tuple[str, ...]) -> str:
    """A trigger function that upserts the signed, grouped changes of its transition tables."""
    parts = [
        f"SELECT {', '.join(_key_sql('postgresql'))}, "
        + ", ".join(f"{sign} * ({expr}) AS {count}" for expr, count in zip(_count_sql(counts), counts, strict=True))
        + f" FROM {table}"
        for table, sign in sources
    ]
    key = ", ".join(KEY)
    sums = ", ".join(f"SUM({c})" for c in counts)
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in counts)
    update = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in counts)
    # ORDER BY: concurrent transactions lock tally rows in one order, so they cannot deadlock.
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO answer_tally AS t ({key}, {", ".join(counts)})
    SELECT {", ".join(f"d{i}" for i in range(5))}, {sums}
    FROM ({" UNION ALL ".join(parts)}) AS changes (d0, d1, d2, d3, d4, {", ".join(counts)})
    GROUP BY 1, 2, 3, 4, 5
    HAVING {nonzero}
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({key}) DO UPDATE SET {update};
    RETURN NULL;
END
$body$"""


def _postgresql_install(counts: tuple[str, ...]) -> list[str]:
    statements = [
        _pg_function("answer_tally_on_insert", [("tally_new", 1)], counts),
        _pg_function("answer_tally_on_update", [("tally_new", 1), ("tally_old", -1)], counts),
        _pg_function("answer_tally_on_delete", [("tally_old", -1)], counts),
    ]
    referencing = {
        "answer_tally_on_insert": ("INSERT", "NEW TABLE AS tally_new"),
        "answer_tally_on_update": ("UPDATE", "OLD TABLE AS tally_old NEW TABLE AS tally_new"),
        "answer_tally_on_delete": ("DELETE", "OLD TABLE AS tally_old"),
    }
    for name, (event, tables) in referencing.items():
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON response")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON response REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


# --- SQLite: row triggers -------------------------------------------------------------------


def _sqlite_add(row: str, sign: str, counts: tuple[str, ...]) -> str:
    key = _key_sql("sqlite", row)
    match = " AND ".join(f"{column} = {expr}" for column, expr in zip(KEY, key, strict=True))
    changes = ", ".join(f"{c} = {c} {sign} {expr}" for c, expr in zip(counts, _count_sql(counts, row), strict=True))
    ensure = (
        f"INSERT OR IGNORE INTO answer_tally ({', '.join(KEY)}, {', '.join(counts)}) "
        f"VALUES ({', '.join(key)}, {', '.join('0' for _ in counts)});"
    )
    return (ensure if sign == "+" else "") + f" UPDATE answer_tally SET {changes} WHERE {match};"


def _sqlite_install(counts: tuple[str, ...]) -> list[str]:
    columns = tracked(counts)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    # DROP first: the triggers' text depends on the counts, so an older version must not stay.
    return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS] + [
        f"CREATE TRIGGER answer_tally_on_insert AFTER INSERT ON response BEGIN {_sqlite_add('NEW.', '+', counts)} END",
        f"CREATE TRIGGER answer_tally_on_update AFTER UPDATE OF {', '.join(columns)} ON response "
        f"WHEN {changed} BEGIN {_sqlite_add('OLD.', '-', counts)} {_sqlite_add('NEW.', '+', counts)} END",
        f"CREATE TRIGGER answer_tally_on_delete AFTER DELETE ON response BEGIN {_sqlite_add('OLD.', '-', counts)} END",
    ]


def install_statements(dialect: str, counts: tuple[str, ...] = COUNTS) -> list[str]:
    return _postgresql_install(counts) if dialect == "postgresql" else _sqlite_install(counts)


def uninstall_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {n} ON response" for n in TRIGGERS] + [
            f"DROP FUNCTION IF EXISTS {n}()" for n in TRIGGERS
        ]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in TRIGGERS]


def table_counts(connection: Connection) -> tuple[str, ...]:
    """The counts the ``answer_tally`` table has columns for (older revisions have fewer)."""
    present = {column["name"] for column in inspect(connection).get_columns("answer_tally")}
    return tuple(name for name in COUNTS if name in present)


def install(connection: Connection) -> None:
    """Create (or re-create) the triggers; idempotent. Migrations and ``create_all`` call it.

    The triggers keep the counts the table has at the time: a migration older than
    0010_check_tallies that rebuilds ``response`` re-installs the triggers of its own revision.
    """
    for statement in install_statements(connection.dialect.name, table_counts(connection)):
        connection.exec_driver_sql(statement)


def uninstall(connection: Connection) -> None:
    for statement in uninstall_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


def installed(connection: Connection) -> set[str]:
    """The tally triggers present on ``response`` (a migration that rebuilds the table drops them)."""
    if connection.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'response'::regclass AND NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'response'"
    return {name for (name,) in connection.exec_driver_sql(query)} & set(TRIGGERS)


# --- reading, proving, repairing ------------------------------------------------------------


def rebuild(session: Session) -> int:
    """Recompute every tally from the answers (a backfill or a repair); returns the rows written."""
    dialect = session.get_bind().dialect.name
    session.execute(text("DELETE FROM answer_tally"))
    written = session.execute(
        text(f"INSERT INTO answer_tally ({', '.join(KEY)}, {', '.join(COUNTS)}) {recount_sql(dialect)}")
    )
    return int(written.rowcount or 0)


@dataclass(frozen=True)
class Mismatch:
    key: tuple
    stored: tuple[int, ...]
    recounted: tuple[int, ...]

    def __str__(self) -> str:
        where = ", ".join(f"{name}={value}" for name, value in zip(KEY, self.key, strict=True))
        return f"tally {where}: stored {self.stored}, recounted {self.recounted} ({', '.join(COUNTS)})"


def reconcile(session: Session) -> tuple[list[Mismatch], list[str]]:
    """Every tally against a full recount of the answers: (differences, missing triggers).

    Empty lists mean publication reads exactly what a scan of every answer would give.
    """
    dialect = session.get_bind().dialect.name
    zero = (0,) * len(COUNTS)
    recounted = {tuple(row[:5]): tuple(int(v) for v in row[5:]) for row in session.execute(text(recount_sql(dialect)))}
    stored_query = f"SELECT {', '.join(KEY)}, {', '.join(COUNTS)} FROM answer_tally"
    stored = {tuple(row[:5]): tuple(int(v) for v in row[5:]) for row in session.execute(text(stored_query))}
    differences = [
        Mismatch(key, stored.get(key, zero), recounted.get(key, zero))
        for key in sorted(set(recounted) | set(stored), key=lambda k: tuple(str(part) for part in k))
        if stored.get(key, zero) != recounted.get(key, zero)
    ]
    missing = sorted(set(TRIGGERS) - installed(session.connection()))
    return differences, missing
