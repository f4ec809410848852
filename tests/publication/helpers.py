"""Filling a period with responses quickly, through the same tables the survey writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from survey.extensions import db
from survey.intake import register_cases, validate_batch
from survey.models import Agency, Response
from survey.questions import active_question_set
from tests.factories import case_json


def add_responses(
    agency_code: str,
    satisfied: int,
    unsatisfied: int,
    submitted: datetime,
    service_code: str = "HT-KHAISINH",
    prefix: str = "R",
) -> None:
    """Register ``satisfied + unsatisfied`` cases for the agency and answer each once."""
    total = satisfied + unsatisfied
    if total == 0:
        return
    completed = submitted - timedelta(hours=2)
    batch = [
        case_json(
            f"{prefix}-{agency_code}-{submitted:%Y%m%d}-{i}",
            agency_code=agency_code,
            service_code=service_code,
            completed=completed,
        )
        for i in range(total)
    ]
    issued = []
    for start in range(0, total, 1000):
        issued += register_cases(validate_batch(batch[start : start + 1000]))
    qset = active_question_set()
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
    rows = [
        {
            "invitation_id": item.case.invitation.id,
            "agency_id": agency_id,
            "service_id": item.case.service_id,
            "question_set_id": qset.id,
            "submitted_at": submitted.astimezone(UTC).replace(tzinfo=None),
            "overall": 5 if i < satisfied else 2,
            "channel": "web",
            "locale": "vi",
        }
        for i, item in enumerate(issued)
    ]
    db.session.execute(insert(Response), rows)
    db.session.commit()


SEPT = datetime(2026, 9, 15, 3, 0, tzinfo=UTC)
AFTER_SEPT = datetime(2026, 10, 2, tzinfo=UTC)


def september_wards() -> None:
    """Wards with known counts in September 2026 (and one with a tiny count to suppress)."""
    for code, good, bad in (
        ("Q1-BN", 45, 15),
        ("Q1-DK", 88, 12),
        ("Q1-TD", 130, 20),
        ("Q3-P1", 3, 0),
        ("Q3-P2", 20, 10),
    ):
        add_responses(code, good, bad, SEPT)
