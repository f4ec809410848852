"""Alembic migrations build the same schema as the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from survey.extensions import db


def drop_version_table() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_matches_models_and_downgrades(app):
    db.drop_all()
    drop_version_table()  # a reused PostgreSQL test database may hold an older revision
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    downgrade(revision="base")
    upgrade()
    drop_version_table()
