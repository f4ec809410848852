"""Case tallies: the coverage check and publication's case counts cost per agency, not per case (issue 16).

``case_tally`` holds, per agency and city month, the cases completed, those on time, those
with an invitation, and the invitations issued; triggers on ``case_record`` and
``invitation`` keep it (survey/case_tallies.py), and it is backfilled here.

Revision ID: 0011_case_tallies
Revises: 0010_check_tallies
"""

import sqlalchemy as sa
from alembic import op

from survey import case_tallies

revision = "0011_case_tallies"
down_revision = "0010_check_tallies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_tally",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("cases", sa.Integer(), server_default="0", nullable=False),
        sa.Column("on_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column("invited", sa.Integer(), server_default="0", nullable=False),
        sa.Column("issued", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_case_tally_agency_id_agency")),
        sa.PrimaryKeyConstraint("agency_id", "month", name=op.f("pk_case_tally")),
    )
    op.create_index(op.f("ix_case_tally_month"), "case_tally", ["month"])
    connection = op.get_bind()
    columns = ", ".join((*case_tallies.KEY, *case_tallies.COUNTS))
    op.execute(f"INSERT INTO case_tally ({columns}) {case_tallies.recount_sql(connection.dialect.name)}")
    case_tallies.install(connection)


def downgrade():
    case_tallies.uninstall(op.get_bind())
    op.drop_index(op.f("ix_case_tally_month"), table_name="case_tally")
    op.drop_table("case_tally")
