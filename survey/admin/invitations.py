"""Completed cases uploaded in the browser, and printable invitations (QR code and short code) for them.

Rows go through ``survey.case_import`` (the intake API's rules, judged row by row). The
sheet lists open invitations only: answered or expired links are of no use at a counter.
It lists only links made for a counter (uploads and imports, never a case system's
links, which that system delivers itself), and every sheet is audited and marks its
links as printed, so their answers are recorded as "QR code at the counter" (issue 11).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import segno
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup, escape
from sqlalchemy import select, tuple_
from sqlalchemy.orm import selectinload

from ranking.periods import CITY_TZ
from survey.admin.trail import actor
from survey.admin.uploads import UploadError, check_header
from survey.audit import record
from survey.case_import import ImportReport, import_case_rows, read_case_rows
from survey.extensions import db
from survey.intake import CASE_FIELDS, issuing_body, survey_url
from survey.models import Agency, Case, Invitation, Response
from survey.models.base import to_naive_utc, utcnow
from survey.tokens import display_code, response_link_hash, short_code_for_salt, token_for_salt

COUNTER_SOURCES = ("upload", "csv_import", "counter")
SHEET_LIMIT = 500  # one print run; more is better split by agency or dates
LOOKUP_CHUNK = 500


@dataclass
class UploadResult:
    report: ImportReport
    case_ids: list[int]


@dataclass(frozen=True)
class InvitationCard:
    agency: str
    service: str
    case_ref: str
    url: str
    code: str  # the short code for the "is this message real?" page, grouped ABCD-EFGH
    issuer: str
    expires: datetime
    qr_svg: Markup


def upload_cases(text: str) -> UploadResult:
    """Store the file's good cases (idempotent on agency and case reference) and report the rest."""
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
        check_header(header, CASE_FIELDS)  # the API refuses unknown fields; so does the upload
        rows, _missing = read_case_rows(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise UploadError(_("The file is not valid CSV (%(detail)s).", detail=str(exc))) from None
    if not rows:
        raise UploadError(_("The file has a header but no rows."))
    report = ImportReport()
    try:
        import_case_rows(rows, report=report)
    except Exception:
        # Chunks already committed stay stored: the audit log says how many before the error.
        db.session.rollback()
        _audit_upload(report, complete=False)
        db.session.commit()
        raise
    rejected_lines = {line for line, _reason in report.rejected}
    keys = {
        (row["agency_code"].strip(), row["case_ref"].strip())
        for line, row in rows
        if line not in rejected_lines and row.get("agency_code") and row.get("case_ref")
    }
    _audit_upload(report)
    db.session.commit()
    return UploadResult(report, _case_ids(keys))


def _audit_upload(report: ImportReport, complete: bool = True) -> None:
    after = {"accepted": report.accepted, "existing": report.existing, "rejected": len(report.rejected)}
    record(actor(), "cases.upload", "", None, after if complete else {**after, "interrupted": True})


def _case_ids(keys: set[tuple[str, str]]) -> list[int]:
    ordered = sorted(keys)
    ids: list[int] = []
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        ids += db.session.scalars(
            select(Case.id).join(Agency).where(tuple_(Agency.code, Case.case_ref).in_(chunk))
        ).all()
    return sorted(ids)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="admin-invitation-batch")


def encode_batch(case_ids: list[int]) -> str:
    """A compact, tamper-proof reference to an upload's cases for the sheet's URL (consecutive ids compress)."""
    gaps = [b - a for a, b in zip([0, *case_ids], case_ids, strict=False)]
    return _serializer().dumps(gaps)


def decode_batch(token: str) -> list[int]:
    try:
        gaps = _serializer().loads(token)
    except BadSignature:
        return []
    ids, total = [], 0
    for gap in gaps[:SHEET_LIMIT]:
        total += int(gap)
        ids.append(total)
    return ids


def open_cases(
    case_ids: list[int] | None = None,
    agency_id: int | None = None,
    completed_from: date | None = None,
    completed_to: date | None = None,
) -> list[Case]:
    """Cases with an unanswered, unexpired invitation, by ids or by agency and completion dates (city days).

    Sorted by expiry, latest first: a slip with the most time left is handed out first.
    A response does not name its invitation, so answered links are found by recomputing
    each candidate's link hash with the server's key (at most ``SHEET_LIMIT`` candidates).
    """
    query = (
        select(Case)
        .join(Invitation)
        .where(Invitation.expires_at > utcnow(), Case.source.in_(COUNTER_SOURCES))
        .options(selectinload(Case.agency), selectinload(Case.service), selectinload(Case.invitation))
        .order_by(Invitation.expires_at.desc(), Case.agency_id, Case.case_ref)
        .limit(SHEET_LIMIT)
    )
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids[:SHEET_LIMIT]))
    if agency_id is not None:
        query = query.where(Case.agency_id == agency_id)
    if completed_from is not None:
        query = query.where(Case.completed_at >= _city_midnight(completed_from))
    if completed_to is not None:
        query = query.where(Case.completed_at < _city_midnight(completed_to + timedelta(days=1)))
    cases = list(db.session.scalars(query))
    hashes = {case.id: response_link_hash(token_for_salt(case.invitation.token_salt)) for case in cases}
    answered = set(db.session.scalars(select(Response.link_hash).where(Response.link_hash.in_(hashes.values()))))
    return [case for case in cases if hashes[case.id] not in answered]


def mark_printed(cases: list[Case], filters: dict) -> None:
    """Audit one printed sheet (how many links, of which agencies, by which filter) and mark its links printed."""
    now = utcnow()
    for case in cases:
        case.invitation.printed_at = now
    after = {"links": len(cases), "agencies": sorted({c.agency.code for c in cases}), **filters}
    record(actor(), "invitations.print", "", None, after)
    db.session.commit()


def _city_midnight(day: date) -> datetime:
    return to_naive_utc(datetime.combine(day, time.min, tzinfo=CITY_TZ))


def qr_svg(url: str, label: str) -> Markup:
    """Inline SVG (no style attributes, so the strict CSP allows it), named for screen readers."""
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))  # noqa: S704


def cards(cases: list[Case], locale: str) -> list[InvitationCard]:
    result = []
    for case in cases:
        token = token_for_salt(case.invitation.token_salt)
        url = survey_url(token)
        result.append(
            InvitationCard(
                agency=case.agency.name(locale),
                service=case.service.name(locale),
                case_ref=case.case_ref,
                url=url,
                code=display_code(short_code_for_salt(case.invitation.token_salt)),
                issuer=issuing_body(case),
                expires=case.invitation.expires_at,
                qr_svg=qr_svg(url, _("QR code for the survey of case %(ref)s", ref=case.case_ref)),
            )
        )
    return result
