"""Value rules shared by admin forms and imports: hostile input is a message, never an exception."""

from __future__ import annotations

import pytest

from survey.admin.rules import code_problem, days_problem


@pytest.mark.parametrize("value", ["9" * 5000, "²", "٣", "-1", "3651", "1e3", " 3", ""])
def test_bad_committed_days_are_refused_with_a_message(app, value):
    with app.test_request_context():
        assert days_problem(value)


@pytest.mark.parametrize("value", ["0", "3650", "0000000030"])
def test_committed_days_in_range_pass(app, value):
    with app.test_request_context():
        assert days_problem(value) is None


@pytest.mark.parametrize("value", ["Q1\n", "Q1\r\n", "Q 1", "Á1", "-Q1", "x" * 65])
def test_codes_follow_the_one_code_rule(app, value):
    with app.test_request_context():
        assert code_problem(value)
