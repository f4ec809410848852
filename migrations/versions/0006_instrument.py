"""A real instrument: versioned answer options and SIPAS factors; short codes; answers no longer joinable to cases.

- ``question_option``: each question's answers, with ``positive`` for the drivers. Existing
  questions get options that read their old answers exactly as before (the satisfaction
  scale, top two positive; visits, one visit positive), and their SIPAS factor by key.
  Their set is marked scheme 1; the app adds the standard set as the next version on first use.
- ``invitation.code_hash``: keyed hash of the short code for the "is this message real?" page,
  filled in for existing invitations too.
- ``response.invitation_id`` is replaced by ``response.link_hash`` = HMAC(key from the
  secret key, link token), computed here from each invitation's salt, so a used link stays
  used; ``api_key_id`` and ``quick`` (answered within five minutes) are copied from the
  invitation, and submission times are cut to the hour, so that nothing joins back.

Needs the application's secret key (run through ``flask db upgrade``).

Revision ID: 0006_instrument
Revises: 0005_peer_group_list
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_instrument"
down_revision = "0005_peer_group_list"
branch_labels = None
depends_on = None

QUICK_SECONDS = 300
OLD_FACTORS = {
    "ease": "procedure",
    "fairness": "procedure",
    "timeliness": "result",
    "outcome": "result",
    "courtesy": "civil_servant",
    "visits": "access",
}
OLD_SCALE = (
    (5, "Rất hài lòng", "Very satisfied", True),
    (4, "Hài lòng", "Satisfied", True),
    (3, "Bình thường", "Neither satisfied nor dissatisfied", False),
    (2, "Không hài lòng", "Dissatisfied", False),
    (1, "Rất không hài lòng", "Very dissatisfied", False),
)
OLD_VISITS = ((1, "Một lần", "One", True), (2, "Hai lần", "Two", False), (3, "Ba lần trở lên", "Three or more", False))


def _link_hash_of_salt(salt: str) -> str:
    # The app's own derivation (survey.tokens), so the hashes match what the survey computes.
    from survey.tokens import response_link_hash, token_for_salt

    return response_link_hash(token_for_salt(salt))


def upgrade():
    op.create_table(
        "question_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label_vi", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("positive", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], name=op.f("fk_question_option_question_id_question")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_option")),
        sa.UniqueConstraint("question_id", "value", name=op.f("uq_question_option_question_id_value")),
    )
    op.create_index(op.f("ix_question_option_question_id"), "question_option", ["question_id"])
    with op.batch_alter_table("question_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheme", sa.SmallInteger(), server_default="1", nullable=False))
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("factor", sa.String(length=16), nullable=True))
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_invitation_code_hash"), ["code_hash"])
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("api_key_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quick", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("case_channel", sa.String(length=16), nullable=True))

    bind = op.get_bind()
    _backfill_options(bind)
    _unlink_responses(bind)
    _short_codes(bind)

    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("link_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_response_link_hash"), ["link_hash"])
        batch_op.create_foreign_key(batch_op.f("fk_response_api_key_id_api_key"), "api_key", ["api_key_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_response_api_key_id"), ["api_key_id"])
        batch_op.drop_constraint("uq_response_invitation_id", type_="unique")
        batch_op.drop_constraint("fk_response_invitation_id_invitation", type_="foreignkey")
        batch_op.drop_column("invitation_id")


def _backfill_options(bind) -> None:
    """Options for the questions of earlier sets, reading their answers as the app did before."""
    questions = bind.execute(sa.text("SELECT id, key, kind FROM question")).all()
    option = sa.text(
        "INSERT INTO question_option (question_id, value, position, label_vi, label_en, positive) "
        "VALUES (:q, :value, :position, :vi, :en, :positive)"
    )
    for question_id, key, kind in questions:
        if key in OLD_FACTORS:
            bind.execute(
                sa.text("UPDATE question SET factor = :f WHERE id = :q"), {"f": OLD_FACTORS[key], "q": question_id}
            )
        scale = OLD_SCALE if kind == "likert5" else OLD_VISITS if kind == "visits" else ()
        for position, (value, vi, en, positive) in enumerate(scale):
            bind.execute(
                option,
                {"q": question_id, "value": value, "position": position, "vi": vi, "en": en, "positive": positive},
            )


def _unlink_responses(bind) -> None:
    rows = bind.execute(
        sa.text(
            "SELECT r.id, i.token_salt, i.issued_at, r.submitted_at, c.api_key_id, c.channel FROM response r "
            "JOIN invitation i ON i.id = r.invitation_id JOIN case_record c ON c.id = i.case_id"
        )
    ).all()
    update = sa.text(
        "UPDATE response SET link_hash = :link, api_key_id = :key, quick = :quick, submitted_at = :hour, "
        "case_channel = :case_channel WHERE id = :id"
    )
    for response_id, salt, issued_at, submitted_at, api_key_id, case_channel in rows:
        issued, submitted = _as_datetime(issued_at), _as_datetime(submitted_at)
        bind.execute(
            update,
            {
                "id": response_id,
                "link": _link_hash_of_salt(salt),
                "key": api_key_id,
                "case_channel": case_channel,
                "quick": 0 <= (submitted - issued).total_seconds() <= QUICK_SECONDS,
                "hour": submitted.replace(minute=0, second=0, microsecond=0),
            },
        )


def _short_codes(bind) -> None:
    """Every existing invitation gets its short code's hash, so re-sent SMS and reprinted slips verify."""
    from survey.tokens import short_code_for_salt, short_code_hash

    rows = bind.execute(sa.text("SELECT id, token_salt FROM invitation")).all()
    update = sa.text("UPDATE invitation SET code_hash = :code WHERE id = :id")
    for invitation_id, salt in rows:
        bind.execute(update, {"id": invitation_id, "code": short_code_hash(short_code_for_salt(salt))})


def _as_datetime(value):
    from datetime import datetime

    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
    bind = op.get_bind()
    # Re-link with the secret key, the one way back: recompute each invitation's link hash.
    by_hash = {
        _link_hash_of_salt(salt): invitation_id
        for invitation_id, salt in bind.execute(sa.text("SELECT id, token_salt FROM invitation")).all()
    }
    for response_id, link_hash in bind.execute(sa.text("SELECT id, link_hash FROM response")).all():
        if link_hash not in by_hash:
            raise RuntimeError("a response's link was made under another secret key: cannot downgrade")
        bind.execute(
            sa.text("UPDATE response SET invitation_id = :i WHERE id = :id"),
            {"i": by_hash[link_hash], "id": response_id},
        )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("invitation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_response_invitation_id"), ["invitation_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_response_invitation_id_invitation"), "invitation", ["invitation_id"], ["id"]
        )
        batch_op.drop_index(batch_op.f("ix_response_api_key_id"))
        batch_op.drop_constraint("fk_response_api_key_id_api_key", type_="foreignkey")
        batch_op.drop_constraint("uq_response_link_hash", type_="unique")
        batch_op.drop_column("case_channel")
        batch_op.drop_column("quick")
        batch_op.drop_column("api_key_id")
        batch_op.drop_column("link_hash")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invitation_code_hash", type_="unique")
        batch_op.drop_column("code_hash")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("factor")
    with op.batch_alter_table("question_set", schema=None) as batch_op:
        batch_op.drop_column("scheme")
    op.drop_index(op.f("ix_question_option_question_id"), table_name="question_option")
    op.drop_table("question_option")
