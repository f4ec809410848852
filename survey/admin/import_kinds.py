"""What a row of each bulk import must contain, and how good rows are stored.

Checks run against the database as it is now, so the confirm step re-checks rows that
another admin may have created since the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from survey.admin.accounts import add_user, unknown_password
from survey.admin.agencies import add_agency
from survey.admin.procedures import add_service
from survey.admin.rules import (
    NAME_MAX,
    PERSON_NAME_MAX,
    SERVICE_NAME_MAX,
    code_problem,
    days_problem,
    email_problem,
    normalise,
    text_problem,
)
from survey.admin.uploads import row_shape_problem
from survey.extensions import db
from survey.models import Agency, Service, User
from survey.models.agency import AGENCY_KINDS
from survey.models.credentials import ROLES


@dataclass
class RowOutcome:
    line: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportKind:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    check: Callable[[list[RowOutcome]], list[RowOutcome]]
    store: Callable[[list[RowOutcome]], None]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def outcomes(rows: list[tuple[int, dict]], columns: tuple[str, ...]) -> list[RowOutcome]:
    """Normalised values per row, with any shape problem (too many or too few values) noted."""
    result = []
    for line, row in rows:
        shape = row_shape_problem(row)
        values = {name: normalise(row.get(name)) for name in columns}
        result.append(RowOutcome(line, values, [shape] if shape else []))
    return result


def _flag(outcome: RowOutcome, problem: str | None, column: str | None = None) -> None:
    if problem:
        outcome.problems.append(f"{column}: {problem}" if column else problem)


def _flag_duplicates(rows: list[RowOutcome], column: str, existing: set[str], exists_message: str) -> None:
    """Case-insensitive: a repeat within the file names the first line; one already stored says so."""
    first_line: dict[str, int] = {}
    for row in rows:
        key = row.values[column].lower()
        if not key:
            continue
        if key in first_line:
            _flag(row, _("repeats line %(line)d of this file", line=first_line[key]), column)
        elif key in existing:
            _flag(row, exists_message, column)
        first_line.setdefault(key, row.line)


def _lower_set(column) -> set[str]:
    return set(db.session.scalars(select(func.lower(column))))


# --- agencies ---------------------------------------------------------------------------


def check_agencies(rows: list[RowOutcome]) -> list[RowOutcome]:
    for row in rows:
        v = row.values
        _flag(row, code_problem(v["code"]), "code")
        _flag(row, text_problem(v["name_vi"], NAME_MAX), "name_vi")
        _flag(row, text_problem(v["name_en"], NAME_MAX, required=False), "name_en")
        if v["kind"] not in AGENCY_KINDS:
            _flag(row, _("must be one of %(choices)s", choices=", ".join(AGENCY_KINDS)), "kind")
        _flag(row, code_problem(v["peer_group"]), "peer_group")
    _flag_duplicates(rows, "code", _lower_set(Agency.code), _("an agency with this code already exists"))
    _resolve_parents(rows)
    return rows


def _resolve_parents(rows: list[RowOutcome]) -> None:
    """A parent is an existing agency or another good row of the file; chains must end in one of those."""
    stored = set(db.session.scalars(select(Agency.code)))
    in_file = {row.values["code"] for row in rows}
    resolved = {row.values["code"] for row in rows if row.ok and row.values["parent_code"] in ("", *stored)}
    pending = [row for row in rows if row.ok and row.values["code"] not in resolved]
    progress = True
    while pending and progress:  # settle rows whose parent is settled, until nothing moves
        progress = False
        for row in list(pending):
            if row.values["parent_code"] in resolved:
                resolved.add(row.values["code"])
                pending.remove(row)
                progress = True
    for row in pending:
        parent = row.values["parent_code"]
        if parent in in_file:
            _flag(row, _("parent %(code)s is rejected or forms a loop", code=parent), "parent_code")
        else:
            _flag(row, _("unknown parent code %(code)s", code=parent), "parent_code")


def store_agencies(rows: list[RowOutcome]) -> None:
    ids = dict(db.session.execute(select(Agency.code, Agency.id)).tuples().all())
    waiting = list(rows)
    while waiting:  # parents first: each pass stores the rows whose parent now has an id
        ready = [row for row in waiting if not row.values["parent_code"] or row.values["parent_code"] in ids]
        for row in ready:
            v = row.values
            agency = add_agency(
                {
                    "code": v["code"],
                    "name_vi": v["name_vi"],
                    "name_en": v["name_en"],
                    "kind": v["kind"],
                    "parent_id": ids.get(v["parent_code"]),
                    "peer_group": v["peer_group"],
                    "active": True,
                }
            )
            ids[agency.code] = agency.id
            waiting.remove(row)
        if not ready:
            raise AssertionError("unresolved parents after checking")


# --- services ---------------------------------------------------------------------------


def check_services(rows: list[RowOutcome]) -> list[RowOutcome]:
    for row in rows:
        v = row.values
        _flag(row, code_problem(v["code"]), "code")
        _flag(row, text_problem(v["name_vi"], SERVICE_NAME_MAX), "name_vi")
        _flag(row, text_problem(v["name_en"], SERVICE_NAME_MAX, required=False), "name_en")
        _flag(row, code_problem(v["category"]), "category")
        _flag(row, days_problem(v["committed_days"]), "committed_days")
    _flag_duplicates(rows, "code", _lower_set(Service.code), _("a service with this code already exists"))
    return rows


def store_services(rows: list[RowOutcome]) -> None:
    for row in rows:
        v = row.values
        add_service(
            {
                "code": v["code"],
                "name_vi": v["name_vi"],
                "name_en": v["name_en"],
                "category": v["category"],
                "committed_days": int(v["committed_days"]),
                "active": True,
            }
        )


# --- users ------------------------------------------------------------------------------


def check_users(rows: list[RowOutcome]) -> list[RowOutcome]:
    agencies = set(db.session.scalars(select(Agency.code).where(Agency.active)))
    for row in rows:
        v = row.values
        _flag(row, email_problem(v["email"]), "email")
        _flag(row, text_problem(v["name"], PERSON_NAME_MAX, required=False), "name")
        if v["role"] not in ROLES:
            _flag(row, _("must be one of %(choices)s", choices=", ".join(ROLES)), "role")
        if v["agency_code"] and v["agency_code"] not in agencies:
            _flag(row, _("unknown or inactive agency code %(code)s", code=v["agency_code"]), "agency_code")
        elif not v["agency_code"] and v["role"] in ("manager", "viewer"):
            _flag(row, _("managers and viewers need an agency"), "agency_code")
    _flag_duplicates(rows, "email", _lower_set(User.email), _("an account with this e-mail already exists"))
    return rows


def store_users(rows: list[RowOutcome]) -> None:
    ids = dict(db.session.execute(select(Agency.code, Agency.id)).tuples().all())
    # One throwaway hash for the batch (Argon2 is slow on purpose); nobody knows its password.
    password_hash = unknown_password()
    for row in rows:
        v = row.values
        values: dict[str, Any] = {
            "email": v["email"],
            "name": v["name"],
            "role": v["role"],
            "agency_id": ids.get(v["agency_code"]),
        }
        add_user(values, password_hash)


KINDS = {
    "agencies": ImportKind(
        "agencies",
        ("code", "name_vi", "kind", "peer_group"),
        ("name_en", "parent_code"),
        check_agencies,
        store_agencies,
    ),
    "services": ImportKind(
        "services", ("code", "name_vi", "category", "committed_days"), ("name_en",), check_services, store_services
    ),
    "users": ImportKind("users", ("email", "role"), ("name", "agency_code"), check_users, store_users),
}
