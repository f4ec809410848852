"""Importing completed cases from CSV (``flask cases import`` and the admin upload page), row by row.

Same rules as the intake API, but a file is judged per row: good rows are stored,
bad rows are reported with their line number and reason. Rows are stored in chunks, each
its own transaction (``register_cases`` commits); whatever goes wrong in a chunk, it is
retried row by row, so the report always says exactly which rows were stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.intake import CASE_FIELDS, CaseInput, register_cases, validate_case
from survey.models import ApiKey
from survey.problems import ApiError

CHUNK = 500
CONFLICT = "case_ref: conflicts with a case stored at the same moment; upload the file again"


@dataclass
class ImportReport:
    accepted: int = 0
    existing: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def read_case_rows(stream: io.TextIOBase) -> tuple[list[tuple[int, dict]], list[str]]:
    """Parse CSV text into (line number, row) pairs; returns missing header columns too."""
    reader = csv.DictReader(stream)
    missing = [name for name in CASE_FIELDS if name not in (reader.fieldnames or [])]
    rows = [] if missing else [(reader.line_num, row) for row in reader]
    return rows, missing


def _reason(error: ApiError) -> str:
    parts = [f"{e['pointer'].rsplit('/', 1)[-1]}: {e['detail']}" for e in error.errors] or [error.detail]
    return "; ".join(parts)


def import_case_rows(
    rows: Iterable[tuple[int, dict]],
    api_key: ApiKey | None = None,
    progress: Callable[[int], None] = lambda n: None,
    report: ImportReport | None = None,
    source: str = "upload",
) -> ImportReport:
    """Store the good rows, reject the rest; ``report`` (if given) is filled as chunks commit."""
    report = report if report is not None else ImportReport()
    valid: list[tuple[int, CaseInput]] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, row in rows:
        cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k is not None}
        extra = [k for k in row if k is None]
        case, errors = validate_case({k: v for k, v in cleaned.items() if k in CASE_FIELDS})
        if extra:
            report.rejected.append((line, "more values than header columns"))
        elif case is None:
            report.rejected.append((line, "; ".join(f"{e['pointer'].lstrip('/')}: {e['detail']}" for e in errors)))
        elif (case.agency_code, case.case_ref) in first_line:
            # One chunk holding the same case twice would fail its unique constraint as a whole.
            report.rejected.append((line, f"case_ref: duplicates line {first_line[case.agency_code, case.case_ref]}"))
        else:
            first_line[case.agency_code, case.case_ref] = line
            valid.append((line, case))
    for start in range(0, len(valid), CHUNK):
        chunk = valid[start : start + CHUNK]
        _store_chunk(chunk, api_key, report, source)
        progress(len(chunk))
    return report


def _store_chunk(chunk: list[tuple[int, CaseInput]], api_key: ApiKey | None, report: ImportReport, source: str) -> None:
    try:
        issued = register_cases([case for _, case in chunk], api_key, source)
    except (ApiError, IntegrityError) as error:
        db.session.rollback()
        if len(chunk) == 1:  # a file whose only storable row fails lands here too
            reason = _reason(error) if isinstance(error, ApiError) else CONFLICT
            report.rejected.append((chunk[0][0], reason))
            return
        for item in chunk:  # find the offending rows one by one
            _store_chunk([item], api_key, report, source)
        return
    report.accepted += sum(i.created for i in issued)
    report.existing += sum(not i.created for i in issued)
