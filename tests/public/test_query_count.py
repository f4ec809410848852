"""A 300-ward snapshot renders from stored figures with a small, fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.public.helpers import build_big_ward_table

MAX_QUERIES = 10


@contextmanager
def counted(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def big(db) -> int:
    return build_big_ward_table()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=name",
        "?sort=rank&order=desc&page=3",
        "?band=well_below",
        "?parent=D03&sort=responses",
        "?q=s%E1%BB%91+1",
    ],
)
def test_league_table_of_300_wards_uses_few_queries(client, db, big, query):
    with counted(db.engine) as statements:
        response = client.get(f"/rankings/ward/2026-09{query}")
    assert response.status_code == 200
    assert len(statements) <= MAX_QUERIES, "\n".join(statements)


@pytest.mark.parametrize(
    "url", ["/snapshots/{id}", "/snapshots/{id}?page=6&lang=en", "/", "/agencies/W010", "/archive"]
)
def test_other_pages_use_few_queries(client, db, big, url):
    with counted(db.engine) as statements:
        response = client.get(url.format(id=big))
    assert response.status_code == 200
    assert len(statements) <= MAX_QUERIES, "\n".join(statements)


def test_a_conditional_request_is_answered_without_loading_entries(client, db, big):
    etag = client.get("/rankings/ward/2026-09").headers["ETag"]
    with counted(db.engine) as statements:
        response = client.get("/rankings/ward/2026-09", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert not any("snapshot_entry" in s for s in statements)


def test_300_wards_come_in_six_pages_of_fifty(client, big):
    pages = [client.get(f"/rankings/ward/2026-09?page={n}&sort=name") for n in range(1, 7)]
    codes = [re.findall(r'href="/agencies/(W\d{3})', p.text) for p in pages]
    assert [len(c) for c in codes] == [50] * 6
    assert len({code for page in codes for code in page}) == 300
    assert 'aria-label="' in pages[0].text and 'aria-current="page">1<' in pages[0].text
    assert client.get("/rankings/ward/2026-09?page=7").status_code == 404


def test_a_repeated_page_is_served_from_the_render_cache(client, db, big):
    first = client.get("/rankings/ward/2026-09?sort=name&page=2")
    with counted(db.engine) as statements:
        again = client.get("/rankings/ward/2026-09?sort=name&page=2")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert not any("snapshot_entry" in s for s in statements)
