"""Running counts of answers per agency × service × city month × integrity status × channel.

Kept by database triggers on ``response`` (survey/tallies.py), in the same
transaction as every insert, update and delete of a response, whichever code path makes
it (the citizen form, bulk integrity holds and releases, erasure, imports). Publication
and the integrity checks read these rows, a few per agency and service, instead of scanning
every answer;
``flask --app wsgi ranking verify`` proves they equal a full recount.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import db


class AnswerTally(db.Model):
    __tablename__ = "answer_tally"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)
    # "2026-10": the month, in city time, in which the answer was submitted (ranking.periods).
    month: Mapped[str] = mapped_column(String(7), primary_key=True, index=True)
    integrity: Mapped[str] = mapped_column(String(8), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    responses: Mapped[int] = mapped_column(Integer, default=0)  # every response
    answered: Mapped[int] = mapped_column(Integer, default=0)  # with an overall rating
    satisfied: Mapped[int] = mapped_column(Integer, default=0)  # rated at the top two levels
    dissatisfied: Mapped[int] = mapped_column(Integer, default=0)  # rated at the bottom two levels
    # For the integrity checks (survey/integrity/checks.py): answered within minutes of the link
    # (Response.quick) and straight-lined (Response.all_positive).
    quick: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    all_positive: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CaseTally(db.Model):
    """Cases and invitations per agency × city month, kept by triggers (survey/case_tallies.py)."""

    __tablename__ = "case_tally"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True, index=True)
    cases: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # completed in the month
    on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # completed by their due time
    invited: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # of those, with an invitation
    issued: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # invitations issued in the month


@event.listens_for(db.metadata, "after_create")
def _install_triggers(target, connection, **kw) -> None:
    # create_all (tests, benchmarks) gets the same triggers as the migration.
    from survey import case_tallies, tallies

    tallies.install(connection)
    case_tallies.install(connection)


@event.listens_for(db.metadata, "after_drop")
def _drop_trigger_functions(target, connection, **kw) -> None:
    # The triggers went with the table; PostgreSQL keeps their functions unless told.
    if connection.dialect.name == "postgresql":
        from survey import case_tallies, tallies

        for name in (*tallies.TRIGGERS, *case_tallies.TRIGGERS):
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
