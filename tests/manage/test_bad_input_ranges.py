"""Issue 14 item 7: far years and oversized numbers in a manager's URL answer 4xx, never 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/manage/inbox?period=0001-01",
        "/manage/inbox?period=0001-Q1",
        "/manage/inbox?period=9999-12",
        "/manage/inbox/export.csv?period=0001-01",
        "/manage/inbox?agency=%C2%B2",  # "²" is a digit to str.isdigit() but not to int()
        "/manage/inbox?service=%C2%B2",
        "/manage/?agency=%C2%B2",
    ],
)
def test_out_of_range_inbox_input_answers_4xx(as_user, path):
    response = as_user("viewer").get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
