"""CSV of exactly the comments the inbox filters show, streamed row by row, without personal data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import Select

from ranking.periods import CITY_TZ
from survey.extensions import db
from survey.models.base import as_utc
from survey.spreadsheet import safe_cell

COLUMNS = ("submitted", "agency_code", "service_code", "overall", "status", "tags", "comment", "reply")
BATCH = 500


def csv_line(values: tuple) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def csv_lines(query: Select) -> Iterator[str]:
    """Header, then one line per row of ``inbox_query``; a BOM so spreadsheet apps read UTF-8."""
    yield "\ufeff" + csv_line(COLUMNS)
    for response, feedback, agency_code, service_code in db.session.execute(query.execution_options(yield_per=BATCH)):
        submitted = as_utc(response.submitted_at).astimezone(CITY_TZ).date().isoformat()
        yield csv_line(
            (
                submitted,
                agency_code,
                service_code,
                "" if response.overall is None else response.overall,
                feedback.status if feedback else "new",
                feedback.tags if feedback else "",
                response.comment or "",
                (feedback.reply or "") if feedback else "",
            )
        )
