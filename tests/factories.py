"""Builders for test data: the one place tests make models, through the app's own code paths.

Cases go through intake (so invitations exist), comments through the survey's
``record_response``; bulk responses are inserted as the survey stores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import insert, select, update

from survey.extensions import db
from survey.intake import register_cases, validate_batch
from survey.integrity.straight_line import all_positive, option_positivity
from survey.models import Agency, Answer, ApiKey, Invitation, Response, Service, User
from survey.passwords import hash_password
from survey.questions import active_question_set
from survey.responses import find_link, own_response
from survey.submissions import record_response
from survey.tokens import new_api_key, response_link_hash

PASSWORD = "correct horse battery staple"  # every factory user's password


@dataclass
class City:
    agencies: dict[str, Agency]
    services: dict[str, Service]


def agency(code: str, kind: str = "ward", parent: Agency | None = None, name: str | None = None) -> Agency:
    item = Agency(
        code=code, name_vi=name or f"Phường {code}", name_en=f"Ward {code}", kind=kind, peer_group=kind, parent=parent
    )
    db.session.add(item)
    return item


def service(code: str, category: str = "civil-status", days: int = 3) -> Service:
    item = Service(
        code=code, name_vi=f"Thủ tục {code}", name_en=f"Procedure {code}", category=category, committed_days=days
    )
    db.session.add(item)
    return item


def small_city() -> City:
    d1 = agency("Q1", "district", name="Quận 1")
    d3 = agency("Q3", "district", name="Quận 3")
    agencies = {"Q1": d1, "Q3": d3, "SO-TP": agency("SO-TP", "department", name="Sở Tư pháp")}
    for parent, codes in ((d1, ("Q1-BN", "Q1-DK", "Q1-TD")), (d3, ("Q3-P1", "Q3-P2"))):
        for code in codes:
            agencies[code] = agency(code, "ward", parent)
    services = {
        code: service(code, cat, days)
        for code, cat, days in (
            ("HT-KHAISINH", "civil-status", 1),
            ("DD-GCN", "land", 30),
            ("XD-GPXD", "construction", 15),
        )
    }
    db.session.commit()
    return City(agencies, services)


def api_key(agency_codes: tuple[str, ...] = (), name: str = "test system") -> str:
    plain, prefix, digest = new_api_key()
    scope = [db.session.scalar(db.select(Agency).where(Agency.code == code)) for code in agency_codes]
    db.session.add(ApiKey(name=name, prefix=prefix, key_hash=digest, agencies=scope))
    db.session.commit()
    return plain


def case_json(
    case_ref: str = "HS-0001",
    agency_code: str = "Q1-BN",
    service_code: str = "HT-KHAISINH",
    completed: datetime | None = None,
    **overrides,
) -> dict:
    completed = completed or datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    body = {
        "agency_code": agency_code,
        "service_code": service_code,
        "case_ref": case_ref,
        "received_at": (completed - timedelta(days=3)).isoformat(),
        "due_at": (completed + timedelta(days=1)).isoformat(),
        "completed_at": completed.isoformat(),
        "channel": "online",
    }
    body.update(overrides)
    return body


def issue_link(case_ref: str = "HS-0001", **fields) -> str:
    """Register one case directly and return its survey token."""
    [issued] = register_cases(validate_batch([case_json(case_ref, **fields)]))
    return issued.token


def token_from_url(url: str) -> str:
    match = re.search(r"/s/([A-Za-z0-9_-]+)$", url)
    assert match, url
    return match.group(1)


@cache
def _hash(password: str) -> str:
    return hash_password(password)  # Argon2 is slow on purpose: hash once per test run


def user(email: str, role: str, agency_code: str | None = None, password: str = PASSWORD) -> User:
    """A member of staff who can sign in through the real form with ``password``."""
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code)) if agency_code else None
    item = User(email=email, name=email.split("@")[0], password_hash=_hash(password), role=role, agency_id=agency_id)
    db.session.add(item)
    db.session.commit()
    return item


_comments = iter(range(1, 1_000_000))


def comment(
    agency_code: str,
    text: str,
    overall: int | None = 2,
    case_ref: str | None = None,
    submitted: datetime | None = None,
    service_code: str = "HT-KHAISINH",
    drivers: dict[str, int] | None = None,
) -> Response:
    """A citizen's response with a comment, stored through the survey's own code path."""
    ref = case_ref or f"C-{agency_code}-{next(_comments)}"
    token = issue_link(ref, agency_code=agency_code, service_code=service_code)
    link = find_link(token)
    answers = {"overall": overall, **(drivers or {})}
    assert record_response(link.invitation, active_question_set(), answers, text, "vi", token=token)
    response = own_response(token)
    if submitted is not None:
        response.submitted_at = submitted.astimezone(UTC).replace(tzinfo=None)
        db.session.commit()
    return response


def _register(refs: list[str], agency_code: str, service_code: str, completed: datetime, late: int = 0) -> list:
    """Register completed cases in batches the intake accepts; the first ``late`` are past their due date."""
    batch = []
    for i, ref in enumerate(refs):
        body = case_json(ref, agency_code=agency_code, service_code=service_code, completed=completed)
        if i < late:
            body["due_at"] = (completed - timedelta(days=1)).isoformat()
        batch.append(body)
    issued = []
    for start in range(0, len(batch), 1000):
        issued += register_cases(validate_batch(batch[start : start + 1000]))
    return issued


def responses(
    agency_code: str,
    satisfied: int,
    dissatisfied: int,
    submitted: datetime,
    *,
    service_code: str = "HT-KHAISINH",
    prefix: str = "R",
    invited_only: int = 0,
    late: int = 0,
    invited_when_submitted: bool = False,
) -> None:
    """Answered cases for the agency: ``satisfied`` fives and ``dissatisfied`` twos, in bulk.

    ``invited_only`` more cases get an invitation nobody answers, ``late`` cases finish after
    their due date, and ``invited_when_submitted`` dates every invitation at ``submitted``
    (so response rates fall in the period).
    """
    answered = satisfied + dissatisfied
    total = answered + invited_only
    if total == 0:
        return
    refs = [f"{prefix}-{agency_code}-{submitted:%Y%m%d}-{i}" for i in range(total)]
    issued = _register(refs, agency_code, service_code, submitted - timedelta(hours=2), late)
    stamp = submitted.astimezone(UTC).replace(tzinfo=None)
    if invited_when_submitted:
        ids = [item.case.invitation.id for item in issued]
        db.session.execute(update(Invitation).where(Invitation.id.in_(ids)).values(issued_at=stamp))
    qset = active_question_set()
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
    rows = [
        {
            "link_hash": response_link_hash(item.token),
            "api_key_id": item.case.api_key_id,
            "agency_id": agency_id,
            "service_id": item.case.service_id,
            "case_channel": item.case.channel,
            "question_set_id": qset.id,
            "submitted_at": stamp,
            "overall": 5 if i < satisfied else 2,
            "channel": "web",
            "locale": "vi",
        }
        for i, item in enumerate(issued[:answered])
    ]
    if rows:
        db.session.execute(insert(Response), rows)
    db.session.commit()


def responses_with_drivers(
    agency_code: str,
    rows: list[tuple[int | None, dict[str, int]]],
    submitted: datetime,
    service_code: str = "HT-KHAISINH",
    prefix: str = "A",
) -> None:
    """Many responses at once: each row is (overall, {driver key: value})."""
    refs = [f"{prefix}-{agency_code}-{service_code}-{submitted:%Y%m%d%H}-{i}" for i in range(len(rows))]
    issued = _register(refs, agency_code, service_code, submitted - timedelta(hours=2))
    qset = active_question_set()
    question_ids = {q.key: q.id for q in qset.questions}
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
    stamp = submitted.astimezone(UTC).replace(tzinfo=None)
    positive = option_positivity(qset.questions)
    for item, (overall, drivers) in zip(issued, rows, strict=True):
        response = Response(
            link_hash=response_link_hash(item.token),
            agency_id=agency_id,
            service_id=item.case.service_id,
            case_channel=item.case.channel,
            question_set_id=qset.id,
            submitted_at=stamp,
            overall=overall,
            # Decided as a submission decides it (the answers go in below, by bulk insert).
            all_positive=all_positive(overall, [(question_ids[k], v) for k, v in (drivers or {}).items()], positive),
        )
        db.session.add(response)
        db.session.flush()
        if drivers:
            db.session.execute(
                insert(Answer),
                [{"response_id": response.id, "question_id": question_ids[k], "value": v} for k, v in drivers.items()],
            )
    db.session.commit()


def link_in(sms_text: str) -> str:
    """The survey link an SMS carries, wherever the wording puts it."""
    found = re.search(r"\S+/s/\S+", sms_text)
    assert found, sms_text
    return found.group()
