"""The integrity checks cost per agency, not per answer (issue 16).

* ``response.all_positive``: the straight-lining check's definition (overall 5, at least three
  answers, none at an option that is not positive), decided at submission from now on and
  backfilled here from the stored answers;
* ``answer_tally.quick`` and ``answer_tally.all_positive``: the burst and straight-lining
  counts per agency and month, kept by the tally triggers (re-installed with the new counts)
  and recounted here;
* index (agency_id, submitted_at) replaces (agency_id): one agency's answers of one month;
* a partial index on the answers that still have a device hash (the device check, the erasure).

Revision ID: 0010_check_tallies
Revises: 0009_plan_review
"""

import sqlalchemy as sa
from alembic import op

from survey import tallies

revision = "0010_check_tallies"
down_revision = "0009_plan_review"
branch_labels = None
depends_on = None

COUNTS = ("responses", "answered", "satisfied", "dissatisfied", "quick", "all_positive")
DEVICE_WHERE = "device_hash IS NOT NULL"
# The definition the check used until this revision, frozen here (survey.integrity.straight_line).
ALL_POSITIVE = """
    overall = 5
    AND (SELECT count(*) FROM answer WHERE answer.response_id = response.id) >= 3
    AND NOT EXISTS (
        SELECT 1 FROM answer JOIN question_option
          ON question_option.question_id = answer.question_id AND question_option.value = answer.value
        WHERE answer.response_id = response.id AND question_option.positive IS NOT TRUE
    )
"""


def upgrade():
    connection = op.get_bind()
    # Off while the columns are filled: the tallies are recounted once below.
    tallies.uninstall(connection)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("all_positive", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("answer_tally", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quick", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("all_positive", sa.Integer(), server_default="0", nullable=False))
    op.drop_index("ix_response_agency_id", table_name="response")
    op.create_index("ix_response_agency_id_submitted_at", "response", ["agency_id", "submitted_at"])
    op.create_index(
        "ix_response_device_hash",
        "response",
        ["agency_id", "device_hash", "submitted_at"],
        postgresql_where=sa.text(DEVICE_WHERE),
        sqlite_where=sa.text(DEVICE_WHERE),
    )
    op.execute(f"UPDATE response SET all_positive = TRUE WHERE {ALL_POSITIVE}")  # noqa: S608 (our SQL)
    key, counts = ", ".join(tallies.KEY), ", ".join(COUNTS)
    op.execute("DELETE FROM answer_tally")
    recount = tallies.recount_sql(connection.dialect.name, counts=COUNTS)
    op.execute(f"INSERT INTO answer_tally ({key}, {counts}) {recount}")
    tallies.install(connection)


def downgrade():
    connection = op.get_bind()
    tallies.uninstall(connection)
    op.drop_index("ix_response_device_hash", table_name="response")
    op.drop_index("ix_response_agency_id_submitted_at", table_name="response")
    op.create_index("ix_response_agency_id", "response", ["agency_id"])
    with op.batch_alter_table("answer_tally", schema=None) as batch_op:
        batch_op.drop_column("all_positive")
        batch_op.drop_column("quick")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("all_positive")
    tallies.install(connection)  # the counts of 0008, which the table has again
