"""Rows for the bulk inserts: the generator's arrays turned into case, invitation, response and answer rows.

Ids are assigned here (case k and its invitation share one), so inserts need no round trips.
Token salts are the only values not drawn from the seeded generator.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from survey.demo.behaviour import DRIVER_KEYS
from survey.demo.generator import INVITATION_DAYS, Month, MonthCases, MonthResponses
from survey.integrity.straight_line import all_positive
from survey.tokens import (
    new_salt,
    response_link_hash,
    sha256_hex,
    short_code_for_salt,
    short_code_hash,
    token_for_salt,
)

CASE_CHANNELS = ("online", "counter", "post")  # the generator codes them 0, 1, 2


def _datetimes(stamps: np.ndarray) -> list[datetime]:
    return stamps.astype("datetime64[us]").astype(object).tolist()


def case_and_invitation_rows(
    cases: MonthCases,
    month: Month,
    first_id: int,
    agency_ids: list[int],
    service_ids: list[int],
) -> tuple[list[dict], list[dict]]:
    """Rows for ``case_record`` and ``invitation``; case k and its invitation share id ``first_id + k``."""
    channels = CASE_CHANNELS
    delivery = ("link", "qr", "sms")
    prefix = "HS" + month.label.replace("-", "")
    received, due = _datetimes(cases.received), _datetimes(cases.due)
    completed, created = _datetimes(cases.completed), _datetimes(cases.created)
    case_rows: list[dict] = []
    invitation_rows: list[dict] = []
    expiry = timedelta(days=INVITATION_DAYS)
    for k in range(len(cases.agency)):
        row_id = first_id + k
        channel = int(cases.channel[k])
        case_rows.append(
            {
                "id": row_id,
                "agency_id": agency_ids[cases.agency[k]],
                "service_id": service_ids[cases.service[k]],
                "case_ref": f"{prefix}-{cases.seq[k]:05d}",
                "received_at": received[k],
                "due_at": due[k],
                "completed_at": completed[k],
                "channel": channels[channel],
                "api_key_id": None,
                "created_at": created[k],
            }
        )
        salt = new_salt()
        invitation_rows.append(
            {
                "id": row_id,
                "case_id": row_id,
                "token_salt": salt,
                "token_hash": sha256_hex(token_for_salt(salt)),
                "code_hash": short_code_hash(short_code_for_salt(salt)),
                "issued_at": created[k],
                "expires_at": created[k] + expiry,
                "delivery_channel": delivery[channel],
            }
        )
    return case_rows, invitation_rows


def response_and_answer_rows(
    cases: MonthCases,
    responses: MonthResponses,
    first_case_id: int,
    first_response_id: int,
    first_answer_id: int,
    agency_ids: list[int],
    service_ids: list[int],
    qset_id: int,
    question_ids: dict[str, int],
    invitation_rows: list[dict] | None = None,
    question_options: dict[str, tuple[tuple[int, bool | None], ...]] | None = None,
) -> tuple[list[dict], list[dict]]:
    """Rows for ``response`` and ``answer`` (one answer per driver the citizen did not skip).

    A response carries its link's keyed hash (from ``invitation_rows``' salts), never the
    invitation's id; a driver's 1–5 level becomes the question's option (``option_for_level``).
    """
    submitted = _datetimes(responses.submitted)
    keys = [key for key in (*DRIVER_KEYS, "visits") if key in question_ids]
    response_rows: list[dict] = []
    answer_rows: list[dict] = []
    answer_id = first_answer_id
    # (question id, value) -> positive: a row's all_positive is decided as a submission decides it.
    positive = {
        (question_ids[key], value): flag
        for key, options in (question_options or {}).items()
        if key in question_ids
        for value, flag in options
    }
    for j, pos in enumerate(responses.case_pos):
        response_id = first_response_id + j
        overall = int(responses.overall[j])
        answered: list[tuple[int, int]] = []
        response_rows.append(
            {
                "id": response_id,
                "link_hash": response_link_hash(token_for_salt(invitation_rows[int(pos)]["token_salt"])),
                "agency_id": agency_ids[cases.agency[pos]],
                "service_id": service_ids[cases.service[pos]],
                "question_set_id": qset_id,
                "submitted_at": submitted[j],
                "channel": "web",
                "case_channel": CASE_CHANNELS[int(cases.channel[pos])],
                "locale": "en" if responses.english[j] else "vi",
                "overall": overall or None,
                "comment": responses.comment[j],
            }
        )
        for key in keys:
            value = int(responses.drivers[key][j])
            if value and key != "visits" and question_options and question_options.get(key):
                value = option_for_level(question_options[key], value)
            if value:
                answer_rows.append(
                    {"id": answer_id, "response_id": response_id, "question_id": question_ids[key], "value": value}
                )
                answered.append((question_ids[key], value))
                answer_id += 1
        response_rows[-1]["all_positive"] = all_positive(overall or None, answered, positive)
    return response_rows, answer_rows


def option_for_level(options: tuple[tuple[int, bool | None], ...], level: int) -> int:
    """The option (value, positive) a citizen at ``level`` (5 best … 1 worst) picks.

    5 and 4: the first and last positive option; 3: a "not sure" option if the question has
    one, else the first negative; 2 and 1: the next and the last negative option.
    """
    positive = [value for value, flag in options if flag is True]
    negative = [value for value, flag in options if flag is False]
    neutral = [value for value, flag in options if flag is None]
    if level >= 5 and positive:
        return positive[0]
    if level == 4 and positive:
        return positive[-1]
    if level == 3 and neutral:
        return neutral[0]
    if not negative:
        return options[0][0]
    return negative[{3: 0, 2: min(1, len(negative) - 1)}.get(level, len(negative) - 1)]
