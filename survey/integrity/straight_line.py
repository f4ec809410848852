"""Whether a response is a "straight line": every question at its most positive answer.

Decided once, when the response is stored (like ``Response.quick``), and kept in
``Response.all_positive``: the straight-lining check then counts a column (and the answer
tallies count it per agency and month) instead of re-reading every answer of the month.
Question options never change once stored (a new question-set version copies them), and a
response's answers are written with it, so the decision cannot go stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

TOP_OVERALL = 5  # "very satisfied"
MIN_DRIVERS = 3  # fewer answers than this are too few to call a pattern


def all_positive(
    overall: int | None, answers: Iterable[tuple[int, int]], positive: Mapping[tuple[int, int], bool | None]
) -> bool:
    """Overall at the top, at least ``MIN_DRIVERS`` answers, and none at an option that is not positive.

    ``answers`` are (question id, value) pairs, every answer row the response has;
    ``positive`` maps (question id, option value) to the option's ``positive``. An answer
    whose value is not one of its question's options is not held against the response
    (the check's definition always joined answers to their options).
    """
    answers = list(answers)
    if overall != TOP_OVERALL or len(answers) < MIN_DRIVERS:
        return False
    return all(positive.get(answer, True) is True for answer in answers)


def option_positivity(questions: Iterable) -> dict[tuple[int, int], bool | None]:
    """(question id, value) -> positive, for questions with ``id`` and ``options`` (``value``, ``positive``)."""
    return {(q.id, o.value): o.positive for q in questions for o in q.options}
