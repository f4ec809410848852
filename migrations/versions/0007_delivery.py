"""Delivery by SMS and personal data: encrypted contacts, the SMS queue, opt-outs, data-subject requests,
and the privacy notice version on each response.

Revision ID: 0007_delivery
Revises: 0006_instrument
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_delivery"
down_revision = "0006_instrument"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("phone_cipher", sa.String(length=255), nullable=False),
        sa.Column("phone_lookup", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["invitation_id"], ["invitation.id"], name=op.f("fk_contact_invitation_id_invitation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_contact_invitation_id")),
    )
    op.create_index(op.f("ix_contact_phone_lookup"), "contact", ["phone_lookup"])
    op.create_table(
        "sms_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("gateway_ref", sa.String(length=120), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')", name=op.f("ck_sms_message_status_known")
        ),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_sms_message_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["invitation.id"], name=op.f("fk_sms_message_invitation_id_invitation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_sms_message_dedupe_key")),
    )
    op.create_index(op.f("ix_sms_message_agency_id"), "sms_message", ["agency_id"])
    op.create_index(op.f("ix_sms_message_invitation_id"), "sms_message", ["invitation_id"])
    op.create_index(op.f("ix_sms_message_next_attempt_at"), "sms_message", ["next_attempt_at"])
    op.create_index(op.f("ix_sms_message_status"), "sms_message", ["status"])
    op.create_table(
        "sms_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_lookup", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_opt_out")),
        sa.UniqueConstraint("phone_lookup", name=op.f("uq_sms_opt_out_phone_lookup")),
    )
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("code_salt", sa.String(length=32), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('access', 'erasure')", name=op.f("ck_data_request_kind_known")),
        sa.CheckConstraint(
            "status IN ('unverified', 'new', 'acknowledged', 'completed', 'refused')",
            name=op.f("ck_data_request_status_known"),
        ),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_data_request_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["invitation.id"], name=op.f("fk_data_request_invitation_id_invitation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request")),
    )
    op.create_index(op.f("ix_data_request_agency_id"), "data_request", ["agency_id"])
    op.create_index(op.f("ix_data_request_invitation_id"), "data_request", ["invitation_id"])
    op.create_index(op.f("ix_data_request_received_at"), "data_request", ["received_at"])
    op.create_index(op.f("ix_data_request_status"), "data_request", ["status"])
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_version", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("notice_version")
    for index, table in (
        ("ix_data_request_status", "data_request"),
        ("ix_data_request_received_at", "data_request"),
        ("ix_data_request_invitation_id", "data_request"),
        ("ix_data_request_agency_id", "data_request"),
    ):
        op.drop_index(op.f(index), table_name=table)
    op.drop_table("data_request")
    op.drop_table("sms_opt_out")
    for index in (
        "ix_sms_message_status",
        "ix_sms_message_next_attempt_at",
        "ix_sms_message_invitation_id",
        "ix_sms_message_agency_id",
    ):
        op.drop_index(op.f(index), table_name="sms_message")
    op.drop_table("sms_message")
    op.drop_index(op.f("ix_contact_phone_lookup"), table_name="contact")
    op.drop_table("contact")
