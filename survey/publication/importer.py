"""Importing aggregate counts from another survey programme (``ranking import-counts``).

The whole file is validated before anything is written: one bad row stores nothing.
Unknown agencies (and their parents) are created from the file's names and peer groups.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ranking.periods import Period
from survey.models import Agency, ImportedCount

COLUMNS = ("agency_code", "agency_name", "peer_group", "parent_code", "responses", "positive")
REQUIRED = ("agency_code", "responses", "positive")
MAX_ROWS = 200_000


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


def _int(value: str, name: str, line: int, errors: list[str]) -> int | None:
    try:
        number = int(value.strip())
    except (ValueError, AttributeError):
        errors.append(f"line {line}: {name} must be a whole number, not {value!r:.40}")
        return None
    if number < 0:
        errors.append(f"line {line}: {name} must not be negative")
        return None
    return number


def parse_counts(stream: io.TextIOBase) -> list[CountRow]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed([f"missing column(s): {', '.join(missing)}; expected {', '.join(COLUMNS)}"])
    rows: list[CountRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(f"more than {MAX_ROWS} rows")
            break
        if None in record:
            errors.append(f"line {line}: more values than columns")
            continue
        code = (record.get("agency_code") or "").strip()
        if not code or len(code) > 64 or not all(ch.isalnum() or ch in "._-" for ch in code):
            errors.append(f"line {line}: agency_code must be 1-64 letters, digits or . _ -")
            continue
        if code in seen:
            errors.append(f"line {line}: agency_code {code} repeats line {seen[code]}")
            continue
        seen[code] = line
        responses = _int(record.get("responses") or "", "responses", line, errors)
        positive = _int(record.get("positive") or "", "positive", line, errors)
        if responses is None or positive is None:
            continue
        if positive > responses:
            errors.append(f"line {line}: positive ({positive}) exceeds responses ({responses})")
            continue
        rows.append(
            CountRow(
                line,
                code,
                (record.get("agency_name") or code).strip()[:200],
                (record.get("peer_group") or "imported").strip()[:64] or "imported",
                (record.get("parent_code") or "").strip()[:64],
                responses,
                positive,
            )
        )
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
    for row in rows:  # parents first, so children can point at them
        if row.parent_code and row.parent_code not in agencies:
            parent = Agency(
                code=row.parent_code,
                name_vi=row.parent_code,
                name_en=row.parent_code,
                kind="other",
                peer_group="region",
            )
            session.add(parent)
            agencies[row.parent_code] = parent
            created += 1
    for row in rows:
        agency = agencies.get(row.agency_code)
        if agency is None:
            agency = Agency(
                code=row.agency_code,
                name_vi=row.agency_name,
                name_en=row.agency_name,
                kind="other",
                peer_group=row.peer_group,
            )
            session.add(agency)
            agencies[row.agency_code] = agency
            created += 1
        if row.parent_code:
            agency.parent = agencies[row.parent_code]
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
                source=source[:200],
            )
            for r in chunk
        )
        progress(len(chunk))
    session.commit()
    return {
        "rows": len(rows),
        "agencies_created": created,
        "responses": sum(r.responses for r in rows),
        "positive": sum(r.positive for r in rows),
    }
