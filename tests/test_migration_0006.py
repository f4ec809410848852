"""Migration 0006 on a database with answers: old answers keep their meaning, used links stay used,
responses lose their invitation id, and the standard question set arrives on first use."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from survey.extensions import db
from survey.models import Question, QuestionOption, QuestionSet
from survey.questions import active_question_set
from survey.responses import LinkState, find_link
from survey.tokens import response_link_hash, sha256_hex, short_code_for_salt, token_for_salt
from survey.verification import verify_code
from tests.test_migrations import drop_version_table

SALT = "0123456789abcdef0123456789abcdef"
ISSUED = datetime(2026, 10, 1, 8, 0)


def old_database() -> None:
    """Schema 0005 with one agency, a version-1 question set (every driver on the satisfaction scale) and one answer."""
    now = datetime(2026, 10, 1)
    rows = [
        (
            "INSERT INTO agency (id, code, name_vi, name_en, kind, peer_group, active, created_at) "
            "VALUES (1, 'W1', 'Phường 1', 'Ward 1', 'ward', 'ward', true, :now)"
        ),
        (
            "INSERT INTO service (id, code, name_vi, name_en, category, committed_days, active) "
            "VALUES (1, 'S1', 'Thủ tục', 'Procedure', 'civil', 3, true)"
        ),
        "INSERT INTO question_set (id, version, active, created_at) VALUES (1, 1, true, :now)",
        (
            "INSERT INTO question (id, question_set_id, key, kind, position, text_vi, text_en) VALUES "
            "(1, 1, 'overall', 'likert5', 0, 'Hài lòng?', 'Satisfied?'), (2, 1, 'ease', 'likert5', 1, 'Dễ?', 'Easy?'), "
            "(3, 1, 'visits', 'visits', 2, 'Mấy lần?', 'Visits?'), (4, 1, 'comment', 'text', 3, 'Góp ý', 'Comment')"
        ),
        (
            "INSERT INTO case_record (id, agency_id, service_id, case_ref, received_at, due_at, completed_at, channel, "
            "source, created_at) VALUES (1, 1, 1, 'HS-1', :now, :now, :now, 'online', 'upload', :now)"
        ),
        (
            "INSERT INTO invitation (id, case_id, token_salt, token_hash, issued_at, expires_at, delivery_channel) "
            "VALUES (1, 1, :salt, :hash, :issued, :expires, 'link')"
        ),
        (
            "INSERT INTO response (id, invitation_id, agency_id, service_id, question_set_id, submitted_at, channel, "
            "locale, overall, minted_by, integrity) "
            "VALUES (1, 1, 1, 1, 1, :submitted, 'web', 'vi', 4, 'upload', 'counted')"
        ),
        "INSERT INTO answer (id, response_id, question_id, value) VALUES (1, 1, 2, 4), (2, 1, 3, 2)",
    ]
    values = {
        "now": now,
        "salt": SALT,
        "hash": sha256_hex(token_for_salt(SALT)),
        "issued": ISSUED,
        "expires": datetime.now() + timedelta(days=20),
        "submitted": ISSUED + timedelta(minutes=3, seconds=20),
    }
    with db.engine.begin() as connection:
        for statement in rows:
            connection.execute(text(statement), values)
        if connection.dialect.name == "postgresql":  # explicit ids do not move PostgreSQL's sequences
            for table in ("agency", "service", "question_set", "question", "case_record", "invitation", "response"):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608 (fixed names)
                )


def test_upgrade_keeps_old_answers_and_used_links(app):
    db.drop_all()
    drop_version_table()
    upgrade(revision="0005_peer_group_list")
    old_database()
    upgrade(revision="0006_instrument")
    assert "invitation_id" not in {c["name"] for c in inspect(db.engine).get_columns("response")}
    with db.engine.connect() as connection:
        link, quick, submitted = connection.execute(text("SELECT link_hash, quick, submitted_at FROM response")).one()
    assert link == response_link_hash(token_for_salt(SALT)) and quick
    assert str(submitted).startswith("2026-10-01 08:00:00")  # cut to the hour
    assert find_link(token_for_salt(SALT)).state is LinkState.USED  # still one answer per link
    assert verify_code(short_code_for_salt(SALT)).genuine  # old invitations' codes verify too
    ease = db.session.scalar(select(Question).where(Question.key == "ease"))
    assert ease.factor == "procedure" and [(o.value, o.positive) for o in ease.options][:2] == [(5, True), (4, True)]
    visits = db.session.scalar(select(Question).where(Question.key == "visits"))
    assert [(o.value, o.positive) for o in visits.options] == [(1, True), (2, False), (3, False)]
    current = active_question_set()  # first use: the standard set becomes version 2
    assert current.version == 2 and current.scheme == 2
    assert db.session.get(QuestionSet, 1).active is False
    assert db.session.scalar(select(QuestionOption.label_en).where(QuestionOption.question_id == 2).limit(1))
    db.session.remove()
    downgrade(revision="0005_peer_group_list")  # the secret key re-links them
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT invitation_id FROM response")).scalar() == 1
    db.session.remove()
    downgrade(revision="base")
    drop_version_table()
    db.create_all()
