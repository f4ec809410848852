"""Planted integrity schemes in the demo city, so the auditor has something real to find.

Three wards, chosen by a stable rule (wards with enough cases last month, in code order),
not by name, so the list of agencies can change: one mints links and answers them in a
burst, one answers many links from a single device with every question at the top, and
one stops inviting most of its closed cases. ``plant_schemes`` then runs the checks and
reports how many schemes were caught and how many genuine agencies were flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, insert, select

from ranking.periods import Period, period_containing
from survey.demo.data import DEMO_PASSWORD
from survey.extensions import db
from survey.integrity.device import device_hash
from survey.integrity.review import run_checks
from survey.integrity.straight_line import all_positive, option_positivity
from survey.models import Agency, Answer, Case, Invitation, QuestionSet, Response, Service, User
from survey.models.base import to_naive_utc
from survey.passwords import hash_password
from survey.responses import QUICK_SECONDS
from survey.tokens import new_salt, response_link_hash, sha256_hex, token_for_salt

AUDITOR_LOGIN = "kiemtoan@demo.gov.vn"
MIN_CASES = 30  # a planted ward needs a history the checks can compare against
BURST_LINKS = 40
DEVICE_LINKS = 30
DRY_SHARE = 0.8  # share of the dry ward's closed cases left uninvited


@dataclass(frozen=True)
class Outcome:
    """What the checks made of the planted month."""

    period: str
    planted: dict[str, str]  # scheme -> agency code
    caught: list[str]  # schemes with at least one flag on their ward
    false_alarms: list[str]  # codes of genuine agencies flagged

    def line(self) -> str:
        return (
            f"Integrity: {len(self.caught)} of {len(self.planted)} planted schemes caught in {self.period} "
            f"({', '.join(f'{k}: {v}' for k, v in self.planted.items())}); "
            f"{len(self.false_alarms)} genuine agencies flagged (false alarms); auditor login {AUDITOR_LOGIN}."
        )


def _wards(month: Period) -> list[tuple[Agency, int]]:
    """Wards with at least ``MIN_CASES`` closed cases in the month, in code order, with that count."""
    start, end = to_naive_utc(month.start), to_naive_utc(month.end)
    query = (
        select(Agency, func.count(Case.id))
        .join(Case, Case.agency_id == Agency.id)
        .where(Agency.peer_group == "ward", Case.completed_at >= start, Case.completed_at < end)
        .group_by(Agency.id)
        .having(func.count(Case.id) >= MIN_CASES)
        .order_by(Agency.code)
    )
    return [(agency, int(n)) for agency, n in db.session.execute(query)]


def _answered_links(agency: Agency, count: int, first: datetime, gap: timedelta, delay: timedelta, tag: str):
    """``count`` new cases of the agency, each with a link and an all-top answer ``delay`` after issue."""
    qset = db.session.scalar(select(QuestionSet).where(QuestionSet.active))
    # Every driver at its first positive option: the "straight line" the check looks for.
    tops = {
        q.id: next(o.value for o in q.options if o.positive) for q in qset.questions if q.key != "overall" and q.options
    }
    service = db.session.scalar(select(Service).order_by(Service.code))
    next_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
    next_id = max(next_id, (db.session.scalar(select(func.max(Invitation.id))) or 0) + 1)
    responses = []
    for k in range(count):
        issued = first + k * gap
        salt = new_salt()
        case = Case(
            id=next_id + k, agency_id=agency.id, service_id=service.id, case_ref=f"{tag}-{k:03d}",
            received_at=issued - timedelta(days=2), due_at=issued + timedelta(days=1), completed_at=issued,
            channel="online", source="api_key",
        )  # fmt: skip
        case.invitation = Invitation(
            id=next_id + k, token_salt=salt, token_hash=sha256_hex(token_for_salt(salt)),
            issued_at=issued, expires_at=issued + timedelta(days=30),
        )  # fmt: skip
        db.session.add(case)
        response = Response(
            agency_id=agency.id, service_id=service.id, question_set_id=qset.id,
            submitted_at=issued + delay, overall=5, minted_by="api_key",
            link_hash=response_link_hash(token_for_salt(salt)), quick=delay.total_seconds() <= QUICK_SECONDS,
        )  # fmt: skip
        response.answers = [Answer(question_id=qid, value=value) for qid, value in tops.items()]
        response.all_positive = all_positive(5, tops.items(), option_positivity(qset.questions))
        responses.append(response)
    db.session.flush()
    db.session.add_all(responses)
    db.session.flush()
    return responses


def _dry_up(agency: Agency, month: Period) -> None:
    """Remove the invitations (and any answers) of most of the ward's closed cases in the month."""
    start, end = to_naive_utc(month.start), to_naive_utc(month.end)
    ids = list(
        db.session.scalars(
            select(Case.id).where(Case.agency_id == agency.id, Case.completed_at >= start, Case.completed_at < end)
        )
    )
    dropped = ids[: int(len(ids) * DRY_SHARE)]
    salts = db.session.scalars(select(Invitation.token_salt).where(Invitation.case_id.in_(dropped)))
    hashes = [response_link_hash(token_for_salt(salt)) for salt in salts]  # responses name no invitation
    for start in range(0, len(hashes), 500):
        answered = select(Response.id).where(Response.link_hash.in_(hashes[start : start + 500]))
        db.session.execute(delete(Answer).where(Answer.response_id.in_(answered)))
        db.session.execute(delete(Response).where(Response.link_hash.in_(hashes[start : start + 500])))
    db.session.execute(delete(Invitation).where(Invitation.case_id.in_(dropped)))


def plant_schemes(now: datetime) -> Outcome | None:
    """Plant the three schemes in the last full month, create the auditor, run the checks; None if too few wards."""
    month = period_containing(now.replace(tzinfo=UTC) if now.tzinfo is None else now, "month").previous()
    wards = _wards(month)
    if len(wards) < 3:
        return None
    # The dry ward is the busiest (its drop is the clearest); the others by position in code order.
    dry = max(wards, key=lambda item: item[1])[0]
    others = [agency for agency, _n in wards if agency is not dry]
    burst, device = others[0], others[len(others) // 2]
    middle = to_naive_utc(month.start) + timedelta(days=14, hours=3)
    _answered_links(burst, BURST_LINKS, middle, timedelta(seconds=2), timedelta(seconds=20), "PLANT-BURST")
    day_one = middle + timedelta(days=2)
    planted = _answered_links(device, DEVICE_LINKS, day_one, timedelta(minutes=9), timedelta(hours=2), "PLANT-DEVICE")
    for response in planted:
        response.device_hash = device_hash("203.0.113.7", day_one.replace(tzinfo=UTC))
    _dry_up(dry, month)
    db.session.execute(
        insert(User),
        [
            {
                "email": AUDITOR_LOGIN,
                "name": "Kiểm toán",
                "password_hash": hash_password(DEMO_PASSWORD),
                "role": "auditor",
            }
        ],
    )
    db.session.commit()
    flags = run_checks(db.session, month, now=now.replace(tzinfo=UTC) if now.tzinfo is None else now)
    codes = {flag.agency_id: flag.agency.code for flag in flags}
    schemes = {"burst": burst, "device": device, "dry": dry}
    caught = [name for name, agency in schemes.items() if agency.id in codes]
    genuine = sorted(code for agency_id, code in codes.items() if agency_id not in {a.id for a in schemes.values()})
    return Outcome(month.key, {name: agency.code for name, agency in schemes.items()}, caught, genuine)
