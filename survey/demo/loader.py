"""Loading the demo city: agencies, services and questions through the ORM, the rest in bulk.

Cases, invitations, responses and answers go in with Core bulk inserts, with primary keys
assigned by ``survey.demo.rows``, so the default city loads in seconds on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select

from survey import case_tallies
from survey.demo.behaviour import CATEGORY_LATENESS, CATEGORY_SHIFT
from survey.demo.data import DEMO_LOGINS, DEMO_PASSWORD, SERVICES
from survey.demo.generator import (
    AgencySpec,
    Month,
    agency_specs,
    draw_cases,
    draw_responses,
    latent_profile,
    month_windows,
    monthly_counts,
)
from survey.demo.rows import case_and_invitation_rows, response_and_answer_rows
from survey.demo.schemes import plant_schemes
from survey.extensions import db
from survey.models import Agency, Answer, Case, Invitation, QuestionSet, Response, Service, User
from survey.models.base import to_naive_utc
from survey.models.response import SATISFIED_FROM
from survey.passwords import hash_password
from survey.questions import create_question_set

CHUNK_ROWS = 5_000
PREFIXES = ("Phường", "Xã", "Đặc khu")  # how commune-level units are named, for the summary


@dataclass
class Totals:
    """Running counts for the summary line ``load_demo`` returns."""

    cases: int = 0
    responses: int = 0
    answers: int = 0
    satisfied: int = 0
    answered: int = 0


def database_is_empty() -> bool:
    """True when no agency exists yet (the demo only loads into an empty city)."""
    return db.session.scalar(select(func.count()).select_from(Agency)) == 0


def create_agencies(specs: list[AgencySpec]) -> list[Agency]:
    """Insert the agency tree (a few hundred rows: plain ORM is fine here)."""
    by_code: dict[str, Agency] = {}
    for spec in specs:
        agency = Agency(
            code=spec.code,
            name_vi=spec.name_vi,
            name_en=spec.name_en,
            kind=spec.kind,
            peer_group=spec.kind,
            parent=by_code.get(spec.parent_code or ""),
            active=True,
        )
        db.session.add(agency)
        by_code[spec.code] = agency
    db.session.flush()
    return [by_code[spec.code] for spec in specs]


def ensure_services() -> dict[str, Service]:
    """The demo procedures, reusing any that already exist with the same code."""
    existing = {s.code: s for s in db.session.scalars(select(Service))}
    for code, name_vi, name_en, category, days in SERVICES:
        if code not in existing:
            existing[code] = Service(
                code=code, name_vi=name_vi, name_en=name_en, category=category, committed_days=days, active=True
            )
            db.session.add(existing[code])
    db.session.flush()
    return {code: existing[code] for code, *_ in SERVICES}


def ensure_question_set() -> tuple[QuestionSet, dict[str, int]]:
    """The active question set (version 1 by default) and its question ids by key."""
    qset = db.session.scalar(select(QuestionSet).where(QuestionSet.active).order_by(QuestionSet.version.desc()))
    if qset is None:
        latest = db.session.scalar(select(func.max(QuestionSet.version))) or 0
        qset = create_question_set(latest + 1)
        db.session.flush()
    return qset, {q.key: q.id for q in qset.questions}


# --- Writing -----------------------------------------------------------------------------


def _next_id(model: type[db.Model]) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk_insert(model: type[db.Model], rows: list[dict]) -> None:
    """Core executemany in chunks; ids are already in the rows."""
    for start in range(0, len(rows), CHUNK_ROWS):
        db.session.execute(insert(model.__table__), rows[start : start + CHUNK_ROWS])


def _reset_sequences(models: Iterable[type[db.Model]]) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
        db.session.execute(select(func.setval(sequence, func.max(model.id))))


def create_demo_users(agency_by_code: dict[str, Agency]) -> list[str]:
    """The published demo logins (see ``DEMO_LOGINS``); e-mails that already exist are kept."""
    password_hash = hash_password(DEMO_PASSWORD)
    existing = set(db.session.scalars(select(User.email)))
    created = []
    for email, role, agency_code in DEMO_LOGINS:
        if email in existing:
            continue
        agency = agency_by_code.get(agency_code) if agency_code else None
        db.session.add(
            User(
                email=email,
                name=f"Demo {role}",
                password_hash=password_hash,
                role=role,
                agency_id=agency.id if agency else None,
            )
        )
        created.append(email)
    db.session.flush()
    return created


# --- Entry point -------------------------------------------------------------------------


def load_demo(
    seed: int = 2026,
    months: int = 7,
    echo: Callable[[str], Any] = print,
    now: datetime | None = None,
    scale: float = 1.0,
) -> str:
    """Build the demo city into an empty database and return a one-paragraph summary.

    ``months`` full calendar months before the current one are filled, plus the current
    month up to ``now`` (city time). ``scale`` multiplies case volumes (tests use less).
    Needs an application context (invitation tokens use the app's secret key).
    """
    if months < 0:
        raise ValueError("months must be >= 0")
    if not database_is_empty():
        raise RuntimeError("The demo loads into an empty database, but agencies already exist.")
    now_utc = to_naive_utc(now) if now is not None else to_naive_utc(datetime.now(UTC))
    now_np = np.datetime64(now_utc.replace(microsecond=0), "s")
    rng = np.random.default_rng(seed)

    echo("agencies…")
    specs = agency_specs(rng)
    agencies = create_agencies(specs)
    echo("services and questions…")
    services = ensure_services()
    qset, question_ids = ensure_question_set()

    service_codes = [code for code, *_ in SERVICES]
    service_ids = [services[code].id for code in service_codes]
    committed = np.array([services[code].committed_days for code in service_codes])
    categories = [services[code].category for code in service_codes]
    shift = np.array([CATEGORY_SHIFT.get(c, 0.0) for c in categories])
    late_factor = np.array([CATEGORY_LATENESS.get(c, 1.0) for c in categories])
    column = {code: j for j, code in enumerate(service_codes)}
    mix = np.zeros((len(specs), len(service_codes)))
    for i, spec in enumerate(specs):
        for code, weight in spec.services.items():
            mix[i, column[code]] = weight
    agency_ids = [agency.id for agency in agencies]

    profile = latent_profile(specs, rng)
    windows = month_windows(now_utc, months, rng)
    next_case = max(_next_id(Case), _next_id(Invitation))
    next_response, next_answer = _next_id(Response), _next_id(Answer)
    totals = Totals()
    # Case tally triggers off for the bulk load (on PostgreSQL each executemany row would run
    # its own statement trigger); counted once below, as migration 0011's backfill does.
    case_tallies.uninstall(db.session.connection())
    for month in windows:
        counts = monthly_counts(profile, month, scale, rng)
        cases = draw_cases(counts, month, mix, committed, late_factor, profile, now_np, rng)
        answered = draw_responses(cases, month.index - months, profile, shift, now_np, rng)
        case_rows, invitation_rows = case_and_invitation_rows(cases, month, next_case, agency_ids, service_ids)
        response_rows, answer_rows = response_and_answer_rows(
            cases,
            answered,
            next_case,
            next_response,
            next_answer,
            agency_ids,
            service_ids,
            qset.id,
            question_ids,
            invitation_rows,
            {q.key: tuple((o.value, o.positive) for o in q.options) for q in qset.questions},
        )
        echo(f"cases month {month.label}: {len(case_rows):,} cases, {len(response_rows):,} responses…")
        _bulk_insert(Case, case_rows)
        _bulk_insert(Invitation, invitation_rows)
        _bulk_insert(Response, response_rows)
        _bulk_insert(Answer, answer_rows)
        next_case += len(case_rows)
        next_response += len(response_rows)
        next_answer += len(answer_rows)
        totals.cases += len(case_rows)
        totals.responses += len(response_rows)
        totals.answers += len(answer_rows)
        given = answered.overall[answered.overall > 0]
        totals.answered += len(given)
        totals.satisfied += int((given >= SATISFIED_FROM).sum())

    _reset_sequences((Case, Invitation, Response, Answer))
    case_tallies.install(db.session.connection())
    case_tallies.rebuild(db.session)
    echo("users…")
    users = create_demo_users({agency.code: agency for agency in agencies})
    db.session.commit()
    echo("integrity schemes…")
    outcome = plant_schemes(now_utc)
    _reset_sequences((Case, Invitation, Response, Answer))  # the schemes' cases have explicit ids too
    db.session.commit()
    summary = _summary(seed, specs, len(services), totals, windows, users)
    return f"{summary} {outcome.line()}" if outcome else summary


def _summary(
    seed: int, specs: list[AgencySpec], service_count: int, totals: Totals, windows: list[Month], users: list[str]
) -> str:
    kinds = {kind: sum(spec.kind == kind for spec in specs) for kind in ("department", "district", "ward")}
    units = {word: sum(spec.kind == "ward" and spec.name_vi.startswith(word) for spec in specs) for word in PREFIXES}
    share = totals.satisfied / totals.answered if totals.answered else 0.0
    period = f"{windows[0].label} to {windows[-1].label}" if len(windows) > 1 else windows[0].label
    logins = {email: (role, code) for email, role, code in DEMO_LOGINS}
    people = "; ".join(
        f"{email} ({logins[email][0]}{', ' + logins[email][1] if logins[email][1] else ''})" for email in users
    )
    districts = f"{kinds['district']} districts, " if kinds["district"] else "no districts, "
    text_ = (
        f"Demo city loaded (seed {seed}): {specs[0].name_en} with {kinds['department']} departments, {districts}"
        f"{kinds['ward']} commune-level units ({units['Phường']} wards, {units['Xã']} communes, "
        f"{units['Đặc khu']} special zone); {service_count} services; {totals.cases:,} cases with as many "
        f"invitations and {totals.responses:,} responses ({totals.answers:,} driver answers, "
        f"{share:.1%} satisfied) over {len(windows)} months, {period} (the last one to date)."
    )
    if people:
        text_ += f" Logins, password '{DEMO_PASSWORD}': {people}."
    return text_
