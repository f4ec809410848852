"""Integrity: response provenance and status, device hash, integrity flags, printed invitations.

Revision ID: 0004_integrity
Revises: 0003_imported_count_category
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_integrity"
down_revision = "0003_imported_count_category"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "integrity_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_integrity_flag_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_flag")),
        sa.UniqueConstraint("agency_id", "period", "kind", name=op.f("uq_integrity_flag_agency_id_period_kind")),
    )
    op.create_index(op.f("ix_integrity_flag_agency_id"), "integrity_flag", ["agency_id"])
    op.create_index(op.f("ix_integrity_flag_period"), "integrity_flag", ["period"])
    op.create_table(
        "integrity_flag_response",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["integrity_flag.id"],
            name=op.f("fk_integrity_flag_response_flag_id_integrity_flag"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_integrity_flag_response_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("flag_id", "response_id", name=op.f("pk_integrity_flag_response")),
    )
    op.create_index(op.f("ix_integrity_flag_response_response_id"), "integrity_flag_response", ["response_id"])
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minted_by", sa.String(length=16), server_default="api_key", nullable=False))
        batch_op.add_column(sa.Column("integrity", sa.String(length=8), server_default="counted", nullable=False))
        batch_op.add_column(sa.Column("device_hash", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_response_integrity"), ["integrity"])
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), server_default="api_key", nullable=False))
        batch_op.create_index(batch_op.f("ix_case_record_api_key_id"), ["api_key_id"])
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("printed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("printed_at")
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_record_api_key_id"))
        batch_op.drop_column("source")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_integrity"))
        batch_op.drop_column("device_hash")
        batch_op.drop_column("integrity")
        batch_op.drop_column("minted_by")
    op.drop_index(op.f("ix_integrity_flag_response_response_id"), table_name="integrity_flag_response")
    op.drop_table("integrity_flag_response")
    op.drop_index(op.f("ix_integrity_flag_period"), table_name="integrity_flag")
    op.drop_index(op.f("ix_integrity_flag_agency_id"), table_name="integrity_flag")
    op.drop_table("integrity_flag")
