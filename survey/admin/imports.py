"""Bulk CSV import in two steps: a preview that stores nothing, then a confirm that stores the good rows.

Between the steps the file travels in a signed, compressed hidden form field (not the
session cookie, which is too small, and not a server-side file, which would tie the
confirm to one app host). The signature binds it to the import kind and the admin, and
it expires after an hour.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from survey.admin.import_kinds import ImportKind, RowOutcome, outcomes
from survey.admin.trail import actor
from survey.admin.uploads import UploadError, read_table
from survey.audit import record
from survey.extensions import db

PAYLOAD_MAX_AGE = 3600


@dataclass
class Preview:
    kind: ImportKind
    rows: list[RowOutcome]

    @property
    def good(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.ok]

    @property
    def rejected(self) -> list[RowOutcome]:
        return [row for row in self.rows if not row.ok]


def preview(kind: ImportKind, text: str) -> Preview:
    """Parse and check every row; raises ``UploadError`` for a file that cannot be read."""
    rows = read_table(text, kind.required, kind.optional)
    return Preview(kind, kind.check(outcomes(rows, kind.columns)))


def store(kind: ImportKind, text: str) -> Preview:
    """Re-check the file against the database as it is now and store the good rows in one transaction."""
    result = preview(kind, text)
    if not result.good:
        return result
    try:
        kind.store(result.good)
        record(
            actor(),
            f"import.{kind.name}",
            "",
            None,
            {"stored": len(result.good), "rejected": [(row.line, row.problems) for row in result.rejected]},
        )
        db.session.commit()
    except IntegrityError:  # another admin stored the same code between our check and commit
        db.session.rollback()
        message = _("Some rows were changed by someone else meanwhile; nothing was stored. Try again.")
        raise UploadError(message) from None
    return result


def _serializer(kind: ImportKind, user_id: int) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"admin-import/{kind.name}/{user_id}")


def sign_payload(kind: ImportKind, user_id: int, text: str) -> str:
    return _serializer(kind, user_id).dumps(text)


def load_payload(kind: ImportKind, user_id: int, payload: str) -> str:
    try:
        return _serializer(kind, user_id).loads(payload, max_age=PAYLOAD_MAX_AGE)
    except SignatureExpired:
        raise UploadError(_("The preview is more than an hour old; upload the file again.")) from None
    except BadSignature:
        raise UploadError(_("The preview could not be verified; upload the file again.")) from None
