"""Action plans carry a target and a measure, name the services and drivers they address, and are
published only after review by the parent agency (or an admin). Publication notices gather into one
message per person (``staff_notice``), in the language they last signed in with (``user_account.locale``).

Plans filed before this revision were already public, so they start as published.

Revision ID: 0009_plan_review
Revises: 0008_tallies
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_plan_review"
down_revision = "0008_tallies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("measure", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("drivers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("review_state", sa.String(length=16), server_default="published", nullable=False))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_action_plan_review_state"), ["review_state"])
        batch_op.create_foreign_key(
            batch_op.f("fk_action_plan_reviewed_by_id_user_account"), "user_account", ["reviewed_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            op.f("ck_action_plan_review_state_known"), "review_state IN ('under_review', 'returned', 'published')"
        )
    op.execute("UPDATE action_plan SET drivers = '[]'")
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.alter_column("drivers", existing_type=sa.JSON(), nullable=False)
    op.create_table(
        "action_plan_service",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["action_plan.id"], name=op.f("fk_action_plan_service_plan_id_action_plan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_action_plan_service_service_id_service")),
        sa.PrimaryKeyConstraint("plan_id", "service_id", name=op.f("pk_action_plan_service")),
    )
    op.create_index(op.f("ix_action_plan_service_service_id"), "action_plan_service", ["service_id"])
    op.create_table(
        "staff_notice",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox_message.id"], name=op.f("fk_staff_notice_message_id_outbox_message")
        ),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshot.id"], name=op.f("fk_staff_notice_snapshot_id_snapshot")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_staff_notice_user_id_user_account")),
        sa.PrimaryKeyConstraint("snapshot_id", "user_id", name=op.f("pk_staff_notice")),
    )
    op.create_index(op.f("ix_staff_notice_message_id"), "staff_notice", ["message_id"])
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("locale")
    op.drop_index(op.f("ix_staff_notice_message_id"), table_name="staff_notice")
    op.drop_table("staff_notice")
    op.drop_index(op.f("ix_action_plan_service_service_id"), table_name="action_plan_service")
    op.drop_table("action_plan_service")
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_action_plan_review_state_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_action_plan_reviewed_by_id_user_account"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_action_plan_review_state"))
        for column in ("review_note", "reviewed_at", "reviewed_by_id", "review_state", "drivers", "measure", "target"):
            batch_op.drop_column(column)
