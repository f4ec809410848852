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

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from survey.models.response import SATISFIED_FROM

CITY_UTC_OFFSET_HOURS = 7
DISSATISFIED_TO = 2  # "dissatisfied" and "very dissatisfied"
KEY = ("agency_id", "service_id", "month", "integrity", "channel")
COUNTS = ("responses", "answered", "satisfied", "dissatisfied")
# Changes to these columns move a response between tallies or change what it adds.
TRACKED = ("agency_id", "service_id", "submitted_at", "integrity", "channel", "overall")
TRIGGERS = ("answer_tally_on_insert", "answer_tally_on_update", "answer_tally_on_delete")


def month_sql(dialect: str, row: str = "") -> str:
    """SQL for the city month ("2026-10") of ``row``'s submitted_at (``row`` e.g. ``NEW.``)."""
    if dialect == "postgresql":
        return f"to_char({row}submitted_at + interval '{CITY_UTC_OFFSET_HOURS} hours', 'YYYY-MM')"
    return f"strftime('%Y-%m', {row}submitted_at, '+{CITY_UTC_OFFSET_HOURS} hours')"


def _count_sql(row: str = "") -> list[str]:
    """What one response adds to each count, in COUNTS order."""
    return [
        "1",
        f"CASE WHEN {row}overall IS NOT NULL THEN 1 ELSE 0 END",
        f"CASE WHEN {row}overall >= {SATISFIED_FROM} THEN 1 ELSE 0 END",
        f"CASE WHEN {row}overall <= {DISSATISFIED_TO} THEN 1 ELSE 0 END",
    ]


def _key_sql(dialect: str, row: str = "") -> list[str]:
    return [f"{row}agency_id", f"{row}service_id", month_sql(dialect, row), f"{row}integrity", f"{row}channel"]


def recount_sql(dialect: str, source: str = "response") -> str:
    """The tallies as a full recount of ``source`` would make them (one GROUP BY)."""
    columns = [*_key_sql(dialect), *(f"SUM({c})" for c in _count_sql())]
    return f"SELECT {', '.join(columns)} FROM {source} GROUP BY 1, 2, 3, 4, 5"


# --- PostgreSQL: statement-level triggers with transition tables ----------------------------


def _pg_function(name: str, sources: list[tuple[str, int]]) -> str:
    """A trigger function that upserts the signed, grouped changes of its transition tables."""
    parts = [
        f"SELECT {', '.join(_key_sql('postgresql'))}, "
        + ", ".join(f"{sign} * ({expr}) AS {count}" for expr, count in zip(_count_sql(), COUNTS, strict=True))
        + f" FROM {table}"
        for table, sign in sources
    ]
    key = ", ".join(KEY)
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in COUNTS)
    update = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in COUNTS)
    # ORDER BY: concurrent transactions lock tally rows in one order, so they cannot deadlock.
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO answer_tally AS t ({key}, {", ".join(COUNTS)})
    SELECT {", ".join(f"d{i}" for i in range(5))}, {sums}
    FROM ({" UNION ALL ".join(parts)}) AS changes (d0, d1, d2, d3, d4, {", ".join(COUNTS)})
    GROUP BY 1, 2, 3, 4, 5
    HAVING {nonzero}
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({key}) DO UPDATE SET {update};
    RETURN NULL;
END
$body$"""


def _postgresql_install() -> list[str]:
    statements = [
        _pg_function("answer_tally_on_insert", [("tally_new", 1)]),
        _pg_function("answer_tally_on_update", [("tally_new", 1), ("tally_old", -1)]),
        _pg_function("answer_tally_on_delete", [("tally_old", -1)]),
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


def _sqlite_add(row: str, sign: str) -> str:
    key = _key_sql("sqlite", row)
    match = " AND ".join(f"{column} = {expr}" for column, expr in zip(KEY, key, strict=True))
    changes = ", ".join(f"{c} = {c} {sign} {expr}" for c, expr in zip(COUNTS, _count_sql(row), strict=True))
    ensure = (
        f"INSERT OR IGNORE INTO answer_tally ({', '.join(KEY)}, {', '.join(COUNTS)}) "
        f"VALUES ({', '.join(key)}, 0, 0, 0, 0);"
    )
    return (ensure if sign == "+" else "") + f" UPDATE answer_tally SET {changes} WHERE {match};"


def _sqlite_install() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in TRACKED)
    return [
        "CREATE TRIGGER IF NOT EXISTS answer_tally_on_insert AFTER INSERT ON response "
        f"BEGIN {_sqlite_add('NEW.', '+')} END",
        f"CREATE TRIGGER IF NOT EXISTS answer_tally_on_update AFTER UPDATE OF {', '.join(TRACKED)} ON response "
        f"WHEN {changed} BEGIN {_sqlite_add('OLD.', '-')} {_sqlite_add('NEW.', '+')} END",
        "CREATE TRIGGER IF NOT EXISTS answer_tally_on_delete AFTER DELETE ON response "
        f"BEGIN {_sqlite_add('OLD.', '-')} END",
    ]


def install_statements(dialect: str) -> list[str]:
    return _postgresql_install() if dialect == "postgresql" else _sqlite_install()


def uninstall_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {n} ON response" for n in TRIGGERS] + [
            f"DROP FUNCTION IF EXISTS {n}()" for n in TRIGGERS
        ]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in TRIGGERS]


def install(connection: Connection) -> None:
    """Create (or re-create) the triggers; idempotent. Migrations and ``create_all`` call it."""
    for statement in install_statements(connection.dialect.name):
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
    zero = (0, 0, 0, 0)
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
