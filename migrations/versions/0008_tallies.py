"""Answer tallies per agency × service × city month × integrity × channel, kept by triggers.

Publication reads them instead of scanning every answer (survey/tallies.py). The upgrade
creates the table and the triggers on ``response`` and fills the table from the answers
already stored, in the same transaction.

Revision ID: 0008_tallies
Revises: 0007_delivery
"""

import sqlalchemy as sa
from alembic import op

from survey import tallies

revision = "0008_tallies"
down_revision = "0007_delivery"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_tally",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("integrity", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("dissatisfied", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_answer_tally_agency_id_agency")),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_answer_tally_service_id_service")),
        sa.PrimaryKeyConstraint(
            "agency_id", "service_id", "month", "integrity", "channel", name=op.f("pk_answer_tally")
        ),
    )
    op.create_index(op.f("ix_answer_tally_month"), "answer_tally", ["month"], unique=False)
    connection = op.get_bind()
    tallies.install(connection)
    dialect = connection.dialect.name
    # The counts of this revision: later ones add more (0010_check_tallies), which this table lacks yet.
    key, counts = ", ".join(tallies.KEY), ", ".join(tallies.COUNTS_0008)
    recount = tallies.recount_sql(dialect, counts=tallies.COUNTS_0008)
    op.execute(f"INSERT INTO answer_tally ({key}, {counts}) {recount}")


def downgrade():
    tallies.uninstall(op.get_bind())
    op.drop_index(op.f("ix_answer_tally_month"), table_name="answer_tally")
    op.drop_table("answer_tally")
