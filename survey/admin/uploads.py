"""Reading an uploaded CSV safely: size cap, UTF-8 only, known columns only, clear errors.

File-level problems raise ``UploadError`` (nothing is stored); row-level problems are
left to the importer, which reports them line by line.
"""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

# Below the app's 2 MB request cap, so the preview's signed copy of the file fits in the
# confirm request too.
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 20_000


class UploadError(Exception):
    """A file that cannot be read as a whole; ``str(error)`` is the translated message."""


def read_upload(storage: FileStorage | None) -> str:
    """The file's text (UTF-8, with or without BOM), or ``UploadError``."""
    if storage is None or not storage.filename:
        raise UploadError(_("Choose a CSV file to upload."))
    data = storage.stream.read(MAX_UPLOAD_BYTES + 1)
    return decode_csv_bytes(data)


def decode_csv_bytes(data: bytes) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(_("The file is larger than %(size)d KB; split it into smaller files.", size=1024))
    if not data.strip():
        raise UploadError(_("The file is empty."))
    if b"\x00" in data:
        raise UploadError(_('This is not a text CSV file. Save it as "CSV UTF-8" and upload it again.'))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            _('The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8" and upload it again.')
        ) from None


def read_table(text: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[tuple[int, dict]]:
    """Rows as (line number, {column: value}); raises for a bad header or malformed CSV."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        check_header(header, required, optional)
        reader.fieldnames = header
        rows = []
        for row in reader:
            rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS:
                raise UploadError(_("The file has more than %(max)d rows; split it.", max=MAX_ROWS))
    except csv.Error as exc:
        raise UploadError(
            _("Line %(line)d is not valid CSV (%(detail)s).", line=reader.line_num, detail=str(exc))
        ) from None
    if not rows:
        raise UploadError(_("The file has a header but no rows."))
    return rows


def check_header(header: list[str], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    if not any(header):
        raise UploadError(_("The file is empty."))
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in required + optional]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s", names=", ".join(missing)))
    if unknown:
        problems.append(_("unknown columns: %(names)s", names=", ".join(unknown)))
    if duplicated:
        problems.append(_("repeated columns: %(names)s", names=", ".join(duplicated)))
    if problems:
        expected = ", ".join(required + optional)
        raise UploadError(
            _(
                "The header row does not match (%(problems)s). Expected comma-separated columns: %(expected)s.",
                problems="; ".join(problems),
                expected=expected,
            )
        )


def row_shape_problem(row: dict) -> str | None:
    """DictReader files extra values under ``None`` and missing ones as ``None``."""
    if None in row:
        return _("more values than columns")
    if any(value is None for value in row.values()):
        return _("fewer values than columns")
    return None
