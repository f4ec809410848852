"""A city of 5,000 agencies and millions of answers, generated inside PostgreSQL.

Responses are produced by ``INSERT … SELECT … generate_series`` (about a million rows a
few seconds) instead of through Python. Two shortcuts, both invisible to publication,
which reads only ``answer_tally`` and ``service`` (plus ``case_record``/``invitation`` for
response and on-time rates, left empty here):

* answers carry a made-up link hash (unique, as in production), so no 10 M cases and
  invitations are needed;
* foreign keys are not checked during the bulk insert (``session_replication_role``),
  and the response indexes are built after it rather than maintained row by row; the
  tallies (whose triggers were off too) are then counted once, as migration 0008 does.

Sizes are skewed like a real city (a few agencies with tens of thousands of answers,
most with a few hundred) and satisfaction differs between agencies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, literal, text
from sqlalchemy.orm import Session

from ranking.periods import Period
from survey import case_tallies, tallies
from survey.extensions import db
from survey.models import Agency, Response, Service
from survey.models.base import to_naive_utc

DEPARTMENTS, DISTRICTS = 50, 250
CATEGORIES = ("civil-status", "certification", "land", "construction", "business", "social", "justice", "health")
SERVICES_PER_CATEGORY = 3


def agency_rows(count: int) -> list[dict[str, Any]]:
    """Departments, districts, and wards spread over the districts (explicit ids 1..count)."""
    rows = []
    for i in range(1, count + 1):
        if i <= DEPARTMENTS:
            kind, parent = "department", None
        elif i <= DEPARTMENTS + DISTRICTS:
            kind, parent = "district", None
        else:
            kind, parent = "ward", DEPARTMENTS + 1 + (i % DISTRICTS)
        rows.append(
            {"id": i, "code": f"A{i:05d}", "name_vi": f"Đơn vị {i}", "name_en": f"Agency {i}", "kind": kind,
             "peer_group": kind, "parent_id": parent, "active": True}
        )  # fmt: skip
    return rows


def service_rows() -> list[dict[str, Any]]:
    return [
        {"id": n + 1, "code": f"S{n + 1:03d}", "name_vi": f"Thủ tục {n + 1}", "name_en": f"Procedure {n + 1}",
         "category": category, "committed_days": 5, "active": True}
        for n, category in enumerate(c for c in CATEGORIES for _ in range(SERVICES_PER_CATEGORY))
    ]  # fmt: skip


def reference_data(agencies: int) -> int:
    """Agencies, services and the question set; returns the question set id."""
    from survey.demo import ensure_question_set

    db.session.execute(insert(Agency), agency_rows(agencies))
    db.session.execute(insert(Service), service_rows())
    qset, _ = ensure_question_set()
    db.session.commit()
    return qset.id


def _response_columns(known: dict[str, str]) -> tuple[list[str], list[str]]:
    """Column names and SQL expressions for every response column we must fill.

    Columns not in ``known`` are filled from their scalar Python default, so this keeps
    working when the model gains a column.
    """
    names, values = [], []
    for column in Response.__table__.columns:
        if column.name in known:
            names.append(column.name)
            values.append(known[column.name])
        elif column.default is not None and column.default.is_scalar:
            names.append(column.name)
            compiled = literal(column.default.arg).compile(db.engine, compile_kwargs={"literal_binds": True})
            values.append(str(compiled))
        elif not column.nullable and column.server_default is None:
            raise RuntimeError(f"bench.publish_data does not know how to fill response.{column.name}")
    return names, values


def insert_responses(conn: Connection, period: Period, count: int, first_id: int, agencies: int, qset_id: int) -> None:
    start, end = to_naive_utc(period.start), to_naive_utc(period.end)
    seconds = int((end - start).total_seconds()) - 7200
    services = len(CATEGORIES) * SERVICES_PER_CATEGORY
    # Skewed sizes: u² puts ~1.4% of answers on the biggest agency; the multiplier (coprime
    # with the agency count) scatters big and small agencies over all peer groups.
    known = {
        "id": "g + :first",
        "link_hash": "md5((g + :first)::text)",
        "agency_id": "a",
        "service_id": "1 + (g * 7 + a) % :services",
        "question_set_id": ":qset",
        "submitted_at": ":start + make_interval(secs => 3600 + (g * 7919) % :seconds)",
        "channel": "'web'",
        "locale": "'vi'",
        "overall": (
            "CASE WHEN random() < 0.72 + 0.22 * ((a * 37) % 100) / 100.0 THEN 4 + (random() < 0.6)::int "
            "ELSE 1 + floor(random() * 3)::int END"
        ),
    }
    names, values = _response_columns(known)
    conn.execute(
        text(
            f"INSERT INTO response ({', '.join(names)}) SELECT {', '.join(values)} FROM ("  # noqa: S608 (our SQL)
            "  SELECT g, 1 + (floor(:agencies * power(random(), 2))::int * 2003) % :agencies AS a"
            "  FROM generate_series(1, CAST(:count AS bigint)) AS g) AS drawn"
        ),
        {"first": first_id, "services": services, "qset": qset_id, "start": start, "seconds": seconds,
         "agencies": agencies, "count": count},
    )  # fmt: skip


def build(periods: list[tuple[Period, int]], agencies: int) -> dict[str, Any]:
    """Schema (create_all), reference data, and ``count`` responses in each period."""
    db.create_all()
    qset_id = reference_data(agencies)
    table = Response.__table__
    indexes = [ix for ix in table.indexes]
    started = datetime.now()
    with db.engine.begin() as conn:
        for index in indexes:
            conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK triggers during the load
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        first = 0
        for period, count in periods:
            insert_responses(conn, period, count, first, agencies, qset_id)
            first += count
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for index in indexes:
            index.create(conn)
        # The tally triggers were off with the FK ones: count the loaded answers once, as
        # migration 0008's backfill does (in production each submission adds itself).
        tally_started = datetime.now()
        tallies.rebuild(Session(bind=conn))
        case_tallies.rebuild(Session(bind=conn))  # no cases here, but whatever the tables hold is counted
        tally_seconds = (datetime.now() - tally_started).total_seconds()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE response"))  # what autovacuum would have done by publication day
        conn.execute(text("VACUUM ANALYZE answer_tally"))
    return {"responses": first, "seconds": (datetime.now() - started).total_seconds(), "tally_seconds": tally_seconds}
