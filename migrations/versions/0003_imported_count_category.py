"""Imported counts may carry a service category (case mix for other programmes' data).

Revision ID: 0003_imported_count_category
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_imported_count_category"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("imported_count", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_category", sa.String(length=64), server_default="", nullable=False))
        batch_op.drop_constraint("uq_imported_count_period_agency_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_imported_count_period_agency_id_service_category"),
            ["period", "agency_id", "service_category"],
        )


def downgrade():
    with op.batch_alter_table("imported_count", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_imported_count_period_agency_id_service_category"), type_="unique")
        batch_op.create_unique_constraint("uq_imported_count_period_agency_id", ["period", "agency_id"])
        batch_op.drop_column("service_category")
