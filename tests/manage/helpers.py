"""Acting as staff: create accounts, sign in through the real form, post forms with their CSRF token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.extensions import db
from survey.models import Agency, Response, User
from survey.passwords import hash_password
from survey.questions import active_question_set
from survey.responses import find_link, record_response
from tests import factories

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@cache
def _hash(password: str) -> str:
    return hash_password(password)  # Argon2 is slow on purpose: hash once per test run


def make_user(email: str, role: str, agency_code: str | None = None, password: str = PASSWORD) -> User:
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code)) if agency_code else None
    user = User(email=email, name=email.split("@")[0], password_hash=_hash(password), role=role, agency_id=agency_id)
    db.session.add(user)
    db.session.commit()
    return user


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def csrf_token(client, path: str = "/auth/sign-in") -> str:
    """A valid token for this client's session, read from a page that has a form."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return csrf_from(page.get_data(as_text=True))


def sign_in(client, email: str, password: str = PASSWORD, next_path: str | None = None):
    """Fill in and send the sign-in form, as a person would."""
    token = csrf_token(client)
    url = "/auth/sign-in" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def post_form(client, path: str, data: dict | list, form_page: str = "/manage/"):
    """POST with a CSRF token taken from a page the signed-in user can open."""
    pairs = list(data.items()) if isinstance(data, dict) else list(data)
    return client.post(path, data=MultiDict([*pairs, ("csrf_token", csrf_token(client, form_page))]))


def add_comment(
    agency_code: str,
    comment: str,
    overall: int | None = 2,
    case_ref: str | None = None,
    submitted: datetime | None = None,
    service_code: str = "HT-KHAISINH",
    drivers: dict[str, int] | None = None,
) -> Response:
    """A citizen's response with a comment, stored through the survey's own code path."""
    add_comment.counter = getattr(add_comment, "counter", 0) + 1
    ref = case_ref or f"C-{agency_code}-{add_comment.counter}"
    token = factories.issue_link(ref, agency_code=agency_code, service_code=service_code)
    link = find_link(token)
    answers = {"overall": overall, **(drivers or {})}
    assert record_response(link.invitation, active_question_set(), answers, comment, "vi")
    response = db.session.scalar(select(Response).where(Response.invitation_id == link.invitation.id))
    if submitted is not None:
        response.submitted_at = submitted.astimezone(UTC).replace(tzinfo=None)
        db.session.commit()
    return response


def days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def add_answers(
    agency_code: str,
    rows: list[tuple[int | None, dict[str, int]]],
    submitted: datetime,
    service_code: str = "HT-KHAISINH",
    prefix: str = "A",
) -> None:
    """Many responses at once: each row is (overall, {driver key: value}), stored in bulk."""
    from sqlalchemy import insert

    from survey.intake import register_cases, validate_batch
    from survey.models import Answer

    completed = submitted - timedelta(hours=2)
    batch = [
        factories.case_json(
            f"{prefix}-{agency_code}-{service_code}-{submitted:%Y%m%d%H}-{i}",
            agency_code=agency_code,
            service_code=service_code,
            completed=completed,
        )
        for i in range(len(rows))
    ]
    issued = register_cases(validate_batch(batch))
    qset = active_question_set()
    question_ids = {q.key: q.id for q in qset.questions}
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
    stamp = submitted.astimezone(UTC).replace(tzinfo=None)
    for item, (overall, drivers) in zip(issued, rows, strict=True):
        response = Response(
            invitation_id=item.case.invitation.id,
            agency_id=agency_id,
            service_id=item.case.service_id,
            question_set_id=qset.id,
            submitted_at=stamp,
            overall=overall,
        )
        db.session.add(response)
        db.session.flush()
        if drivers:
            db.session.execute(
                insert(Answer),
                [{"response_id": response.id, "question_id": question_ids[k], "value": v} for k, v in drivers.items()],
            )
    db.session.commit()
