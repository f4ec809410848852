"""Peer groups become a managed list (code plus names), chosen in the admin instead of typed.

Agencies keep the code in ``agency.peer_group``; groups already in use stay valid without a row.

Revision ID: 0005_peer_group_list
Revises: 0004_integrity
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_peer_group_list"
down_revision = "0004_integrity"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "peer_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_group")),
        sa.UniqueConstraint("code", name=op.f("uq_peer_group_code")),
    )


def downgrade():
    op.drop_table("peer_group")
