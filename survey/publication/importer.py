"""Importing aggregate counts from another survey programme (``ranking import-counts``).

The whole file is validated before anything is written: one bad row stores nothing.
Codes follow the project's one code rule; names refuse control characters and
spreadsheet formulas. Unknown agencies are created from their own rows first, so a
parent listed in the file keeps its own name and peer group; parents named but not
listed are created as placeholders in peer group "region".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ranking.periods import Period
from survey.admin.rules import NAME_MAX, normalise, text_problem
from survey.codes import is_valid_agency_code
from survey.models import Agency, ImportedCount

COLUMNS = ("agency_code", "agency_name", "peer_group", "parent_code", "responses", "positive", "service_category")
REQUIRED = ("agency_code", "responses", "positive")
MAX_ROWS = 200_000
MAX_DIGITS = 12  # far above any real count, far below what int() refuses
PLACEHOLDER_GROUP = "region"
CODE_RULE = "1-64 ASCII letters, digits, dots, underscores or hyphens, starting with a letter or digit"


class ImportFailed(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was stored")
        self.errors = errors


@dataclass(frozen=True)
class CountRow:
    line: int
    agency_code: str
    agency_name: str
    peer_group: str
    parent_code: str
    responses: int
    positive: int
    service_category: str = ""


def _int(value: str, name: str, line: int, errors: list[str]) -> int | None:
    text = value.strip()
    if text.startswith("-") and text[1:].isdigit():
        errors.append(f"line {line}: {name} must not be negative")
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        errors.append(f"line {line}: {name} must be a whole number from 0 to {10**MAX_DIGITS - 1}, not {value!r:.40}")
        return None
    return int(text)


def _code(record: dict, name: str, line: int, errors: list[str], required: bool = False) -> str | None:
    value = (record.get(name) or "").strip()
    if not value and not required:
        return ""
    if not is_valid_agency_code(value):
        errors.append(f"line {line}: {name} must be {CODE_RULE}, not {value!r:.40}")
        return None
    return value


def _name(record: dict, line: int, errors: list[str], default: str) -> str | None:
    value = normalise(record.get("agency_name")) or default
    with force_locale("en"):
        problem = text_problem(value, NAME_MAX)
    if problem:
        errors.append(f"line {line}: agency_name: {problem}")
        return None
    return value


def parse_counts(stream: io.TextIOBase) -> list[CountRow]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed([f"missing column(s): {', '.join(missing)}; expected {', '.join(COLUMNS)}"])
    rows: list[CountRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    described: dict[str, CountRow] = {}
    for record in reader:
        line = reader.line_num
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(f"more than {MAX_ROWS} rows")
            break
        if None in record:
            errors.append(f"line {line}: more values than columns")
            continue
        code = _code(record, "agency_code", line, errors, required=True)
        parent = _code(record, "parent_code", line, errors)
        group = _code(record, "peer_group", line, errors)
        category = _code(record, "service_category", line, errors)
        name = _name(record, line, errors, default=code or "")
        responses = _int(record.get("responses") or "", "responses", line, errors)
        positive = _int(record.get("positive") or "", "positive", line, errors)
        if None in (code, parent, group, category, name, responses, positive):
            continue
        if (code, category) in seen:
            errors.append(f"line {line}: agency_code {code} repeats line {seen[code, category]}")
            continue
        seen[code, category] = line
        if positive > responses:
            errors.append(f"line {line}: positive ({positive}) exceeds responses ({responses})")
            continue
        row = CountRow(line, code, name, group or "imported", parent, responses, positive, category)
        first = described.setdefault(code, row)
        if (first.agency_name, first.peer_group, first.parent_code) != (row.agency_name, row.peer_group, parent):
            errors.append(f"line {line}: agency {code} is described differently on line {first.line}")
            continue
        rows.append(row)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed(["the file has no data rows"])
    return rows


def store_counts(
    session: Session,
    rows: list[CountRow],
    period: Period,
    source: str,
    progress: Callable[[int], None] = lambda n: None,
) -> dict[str, int]:
    """Replace the period's imported counts with ``rows`` in one transaction."""
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    created = 0
    for row in rows:  # every listed agency from its own row, before anything points at it
        if row.agency_code not in agencies:
            agencies[row.agency_code] = Agency(
                code=row.agency_code,
                name_vi=row.agency_name,
                name_en=row.agency_name,
                kind="other",
                peer_group=row.peer_group,
            )
            session.add(agencies[row.agency_code])
            created += 1
    for row in rows:  # parents named but not listed anywhere become placeholders
        if row.parent_code and row.parent_code not in agencies:
            agencies[row.parent_code] = Agency(
                code=row.parent_code,
                name_vi=row.parent_code,
                name_en=row.parent_code,
                kind="other",
                peer_group=PLACEHOLDER_GROUP,
            )
            session.add(agencies[row.parent_code])
            created += 1
    for row in rows:
        if row.parent_code:
            agencies[row.agency_code].parent = agencies[row.parent_code]
    session.flush()
    session.execute(
        delete(ImportedCount).where(
            ImportedCount.period == period.key, ImportedCount.agency_id.in_([agencies[r.agency_code].id for r in rows])
        )
    )
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        session.add_all(
            ImportedCount(
                period=period.key,
                agency_id=agencies[r.agency_code].id,
                responses=r.responses,
                positive=r.positive,
                service_category=r.service_category,
                source=source[:200],
            )
            for r in chunk
        )
        progress(len(chunk))
    session.commit()
    return {
        "rows": len(rows),
        "agencies": len({r.agency_code for r in rows}),
        "agencies_created": created,
        "responses": sum(r.responses for r in rows),
        "positive": sum(r.positive for r in rows),
    }
