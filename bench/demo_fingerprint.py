"""A fingerprint of the demo city, to show a refactor of ``survey.demo`` changes no generated row.

    python -m bench.demo_fingerprint [--seed 2026] [--months 7] [--scale 1.0]

Loads the demo into a fresh SQLite file with a fixed ``now`` and prints, per table, the
row count and a SHA-256 over the sorted rows. Columns filled from ``os.urandom`` (token
salts and the hashes derived from them, password hashes) are left out: they differ on
every run by design.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from survey import create_app
from survey.demo import load_demo
from survey.extensions import db
from survey.models import Agency, Answer, Case, Invitation, Question, QuestionSet, Response, Service, User

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
RANDOM_COLUMNS = {"token_salt", "token_hash", "password_hash"}
CLOCK_COLUMNS = {"created_at", "updated_at"}  # set by the database clock, except on cases
TABLES = (Agency, Service, QuestionSet, Question, Case, Invitation, Response, Answer, User)


def fingerprint(now: datetime = NOW, **options: float) -> dict[str, dict[str, object]]:
    """Row count and SHA-256 of the sorted rows of every demo table."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            load_demo(now=now, echo=lambda _: None, **options)
            result = {model.__tablename__: _table_print(model) for model in TABLES}
            db.session.remove()
            db.engine.dispose()
    return result


def _table_print(model: type[db.Model]) -> dict[str, object]:
    skip = RANDOM_COLUMNS | (set() if model is Case else CLOCK_COLUMNS)
    columns = [c for c in model.__table__.columns if c.name not in skip]
    rows = sorted(repr(tuple(row)) for row in db.session.execute(select(*columns)))
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return {"rows": len(rows), "sha256": digest[:16]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--months", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0)
    options = parser.parse_args()
    print(json.dumps(fingerprint(seed=options.seed, months=options.months, scale=options.scale), indent=1))


if __name__ == "__main__":
    main()
