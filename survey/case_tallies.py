"""Case tallies: completed cases and invitations per agency and city month, kept by triggers.

The coverage check (invitations ÷ completed cases against the agency's usual ratio) and
publication's on-time and response rates read these rows, a few per agency, instead of
grouping every case of seven months (issue 16). Like the answer tallies (survey/tallies.py),
application code never writes them: triggers on ``case_record`` and ``invitation`` add and
subtract in the same transaction as the write, whichever path makes it (intake, CSV
import, the demo, a correction, a deletion).

A ``case_tally`` row (agency, month) holds, for that agency:

* ``cases``, ``on_time``, ``invited``: cases completed in the month (city time), those
  completed by their due time, and those that have an invitation;
* ``issued``: invitations issued in the month (the agency of the invitation's case).

An invitation therefore counts twice, in two months that may differ: ``invited`` under its
case's completion month and ``issued`` under its own issue month. The retention purge
only blanks tokens and case references (survey/privacy/retention.py); it never deletes a
case or an invitation, so coverage history is kept. PostgreSQL uses statement-level
triggers with transition tables, SQLite row triggers; both run the same grouped upsert.
``reconcile`` compares with a full recount (``flask --app wsgi ranking verify``), ``rebuild``
recomputes (``ranking recount``, backfills, bulk loads with triggers off).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from survey.tallies import month_sql

KEY = ("agency_id", "month")
COUNTS = ("cases", "on_time", "invited", "issued")
CASE_COLUMNS = ("agency_id", "completed_at", "due_at")  # a change moves a case between tallies
INVITATION_COLUMNS = ("case_id", "issued_at")
TRIGGERS = {
    "case_tally_on_case_insert": ("case_record", "INSERT"),
    "case_tally_on_case_update": ("case_record", "UPDATE"),
    "case_tally_on_case_delete": ("case_record", "DELETE"),
    "case_tally_on_invitation_insert": ("invitation", "INSERT"),
    "case_tally_on_invitation_update": ("invitation", "UPDATE"),
    "case_tally_on_invitation_delete": ("invitation", "DELETE"),
}
ON_TIME = "CASE WHEN c.completed_at <= c.due_at THEN 1 ELSE 0 END"


def _select(columns: tuple[str, ...], rest: str) -> str:
    """One part of the changes: a SELECT whose columns carry the tally's names (SQLite has no ``AS t (a, b)``)."""
    named = ", ".join(f"{expr} AS {name}" for expr, name in zip(columns, (*KEY, *COUNTS), strict=True))
    return f"SELECT {named} {rest}"


def _case_parts(dialect: str, source: str, sign: int) -> list[str]:
    """What the case rows of ``source`` (columns id, agency_id, completed_at, due_at) add, signed."""
    invited = "CASE WHEN EXISTS (SELECT 1 FROM invitation WHERE invitation.case_id = c.id) THEN 1 ELSE 0 END"
    completed = month_sql(dialect, "c.", "completed_at")
    issued = month_sql(dialect, "i.", "issued_at")
    return [
        _select(("c.agency_id", completed, str(sign), f"{sign} * ({ON_TIME})", f"{sign} * ({invited})", "0"),
                f"FROM {source} c"),
        # A case moved to another agency takes its invitation's issue with it.
        _select(("c.agency_id", issued, "0", "0", "0", str(sign)),
                f"FROM {source} c JOIN invitation i ON i.case_id = c.id"),
    ]  # fmt: skip


def _invitation_parts(dialect: str, source: str, sign: int) -> list[str]:
    """What the invitation rows of ``source`` (columns case_id, issued_at) add, signed."""
    join = f"FROM {source} i JOIN case_record c ON c.id = i.case_id"
    return [
        _select(("c.agency_id", month_sql(dialect, "c.", "completed_at"), "0", "0", str(sign), "0"), join),
        _select(("c.agency_id", month_sql(dialect, "i.", "issued_at"), "0", "0", "0", str(sign)), join),
    ]


def _upsert(parts: list[str]) -> str:
    """One grouped upsert of signed changes; rows that cancel out write nothing."""
    key, counts = ", ".join(KEY), ", ".join(COUNTS)
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in COUNTS)
    update = ", ".join(f"{c} = case_tally.{c} + excluded.{c}" for c in COUNTS)
    # ORDER BY: concurrent transactions lock tally rows in one order, so they cannot deadlock.
    return (
        f"INSERT INTO case_tally ({key}, {counts}) SELECT {key}, {sums} "
        f"FROM ({' UNION ALL '.join(parts)}) AS changes "
        f"GROUP BY 1, 2 HAVING {nonzero} ORDER BY 1, 2 "
        f"ON CONFLICT ({key}) DO UPDATE SET {update}"
    )


def recount_sql(dialect: str) -> str:
    """The tallies as a full recount of the cases and invitations would make them."""
    month = month_sql(dialect, "c.", "completed_at")
    issued = month_sql(dialect, "i.", "issued_at")
    parts = [
        _select(("c.agency_id", month, "1", ON_TIME, "CASE WHEN i.id IS NULL THEN 0 ELSE 1 END", "0"),
                "FROM case_record c LEFT JOIN invitation i ON i.case_id = c.id"),
        _select(("c.agency_id", issued, "0", "0", "0", "1"),
                "FROM invitation i JOIN case_record c ON c.id = i.case_id"),
    ]  # fmt: skip
    key, sums = ", ".join(KEY), ", ".join(f"SUM({c})" for c in COUNTS)
    return f"SELECT {key}, {sums} FROM ({' UNION ALL '.join(parts)}) AS recount GROUP BY 1, 2"


# --- triggers -------------------------------------------------------------------------------


def _changes(dialect: str, name: str, new: str, old: str) -> list[str]:
    """The signed parts of trigger ``name``, reading inserted rows from ``new``, removed from ``old``."""
    table, event = TRIGGERS[name]
    if (table, event) == ("case_record", "INSERT"):
        # A new case has no invitation yet (the invitation's foreign key needs the case first):
        # no look-up in ``invitation`` on the intake path.
        completed = month_sql(dialect, "c.", "completed_at")
        return [_select(("c.agency_id", completed, "1", ON_TIME, "0", "0"), f"FROM {new} c")]
    parts = _case_parts if table == "case_record" else _invitation_parts
    changes = []
    if event in ("INSERT", "UPDATE"):
        changes += parts(dialect, new, 1)
    if event in ("UPDATE", "DELETE"):
        changes += parts(dialect, old, -1)
    return changes


def _postgresql_install() -> list[str]:
    statements = []
    for name, (table, event) in TRIGGERS.items():
        body = _upsert(_changes("postgresql", name, "tally_new", "tally_old"))
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
            f"BEGIN\n    {body};\n    RETURN NULL;\nEND\n$body$"
        )
        tables = {
            "INSERT": "NEW TABLE AS tally_new",
            "UPDATE": "OLD TABLE AS tally_old NEW TABLE AS tally_new",
            "DELETE": "OLD TABLE AS tally_old",
        }[event]
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def _sqlite_row(row: str, table: str) -> str:
    """The trigger's ``NEW`` or ``OLD`` row as a one-row table the shared parts can read."""
    columns = ("id", *CASE_COLUMNS) if table == "case_record" else INVITATION_COLUMNS
    return "(SELECT " + ", ".join(f"{row}.{c} AS {c}" for c in columns) + ")"


def _sqlite_install() -> list[str]:
    statements = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]
    for name, (table, event) in TRIGGERS.items():
        # WHERE true: SQLite needs it to tell an upsert's ON CONFLICT from a join's ON.
        body = _upsert(_changes("sqlite", name, _sqlite_row("NEW", table), _sqlite_row("OLD", table)))
        body = body.replace(" GROUP BY 1, 2 HAVING", " WHERE true GROUP BY 1, 2 HAVING")
        columns = CASE_COLUMNS if table == "case_record" else INVITATION_COLUMNS
        when = ""
        if event == "UPDATE":
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            event, when = f"UPDATE OF {', '.join(columns)}", f" WHEN {changed}"
        statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN {body}; END")
    return statements


def install_statements(dialect: str) -> list[str]:
    return _postgresql_install() if dialect == "postgresql" else _sqlite_install()


def uninstall_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {n} ON {t}" for n, (t, _) in TRIGGERS.items()] + [
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
    """The case tally triggers present (a migration that rebuilds either table drops them)."""
    if connection.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return {name for (name,) in connection.exec_driver_sql(query)} & set(TRIGGERS)


# --- proving, repairing ---------------------------------------------------------------------


def rebuild(session: Session) -> int:
    """Recompute every case tally from the cases and invitations; returns the rows written."""
    dialect = session.get_bind().dialect.name
    session.execute(text("DELETE FROM case_tally"))
    columns = ", ".join((*KEY, *COUNTS))
    written = session.execute(text(f"INSERT INTO case_tally ({columns}) {recount_sql(dialect)}"))
    return int(written.rowcount or 0)


@dataclass(frozen=True)
class Mismatch:
    key: tuple
    stored: tuple[int, ...]
    recounted: tuple[int, ...]

    def __str__(self) -> str:
        where = ", ".join(f"{name}={value}" for name, value in zip(KEY, self.key, strict=True))
        return f"case tally {where}: stored {self.stored}, recounted {self.recounted} ({', '.join(COUNTS)})"


def reconcile(session: Session) -> tuple[list[Mismatch], list[str]]:
    """Every case tally against a full recount: (differences, missing triggers)."""
    dialect = session.get_bind().dialect.name
    zero = (0,) * len(COUNTS)
    recounted = {tuple(row[:2]): tuple(int(v) for v in row[2:]) for row in session.execute(text(recount_sql(dialect)))}
    query = f"SELECT {', '.join(KEY)}, {', '.join(COUNTS)} FROM case_tally"
    stored = {tuple(row[:2]): tuple(int(v) for v in row[2:]) for row in session.execute(text(query))}
    differences = [
        Mismatch(key, stored.get(key, zero), recounted.get(key, zero))
        for key in sorted(set(recounted) | set(stored), key=lambda k: tuple(str(part) for part in k))
        if stored.get(key, zero) != recounted.get(key, zero)
    ]
    missing = sorted(set(TRIGGERS) - installed(session.connection()))
    return differences, missing
