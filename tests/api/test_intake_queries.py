"""A batch costs a fixed number of reads, not a reload per case."""

from __future__ import annotations

from sqlalchemy import event

from tests.factories import case_json


def test_batch_of_200_needs_no_read_per_case(client, api_key, db):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    body = {"cases": [case_json(f"Q-{i}") for i in range(200)]}
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.post("/api/v1/cases", json=body, headers={"Authorization": f"Bearer {api_key}"})
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 201 and response.get_json()["created"] == 200
    assert statements.count("SELECT") < 15
    if db.engine.dialect.name == "postgresql":  # batched INSERT … RETURNING (SQLite inserts row by row)
        assert len(statements) < 40, len(statements)
