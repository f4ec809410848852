"""Minting invitations: one audit entry per batch and agency, and a daily cap against usual volume.

A scoped key can mint links for its own agency's cases; the cap bounds how many it can
mint in one city day, relative to what the agency usually sends (docs/integrity.md).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import case, func, select

from ranking.periods import CITY_TZ
from survey.audit import record
from survey.extensions import db
from survey.models import Agency, ApiKey, Case, Invitation
from survey.models.base import to_naive_utc, utcnow
from survey.problems import ApiError, field_error

USUAL_DAYS = 28


def minter(api_key: ApiKey | None, source: str) -> str:
    """The audit actor for a batch: the key when there is one, else the source."""
    return f"api_key:{api_key.id}" if api_key is not None else source


def city_day_start(now: datetime) -> datetime:
    """Naive UTC start of the city day containing ``now`` (naive UTC)."""
    local = now.replace(tzinfo=UTC).astimezone(CITY_TZ)
    return to_naive_utc(datetime.combine(local.date(), time.min, tzinfo=CITY_TZ))


def recent_invitations(agency_ids: list[int], day_start: datetime) -> dict[int, tuple[int, int]]:
    """Invitations each agency issued today (city day) and over the USUAL_DAYS days before, in one query.

    One grouped query per batch, not two per agency: a batch spread over the 168 wards sent
    336 counts, most of a 1,000-case batch's time (issue 16's intake profile).
    """
    window_start = day_start - timedelta(days=USUAL_DAYS)
    rows = db.session.execute(
        select(
            Case.agency_id,
            func.sum(case((Invitation.issued_at >= day_start, 1), else_=0)),
            func.sum(case((Invitation.issued_at < day_start, 1), else_=0)),
        )
        .join(Case, Case.id == Invitation.case_id)
        .where(Case.agency_id.in_(agency_ids), Invitation.issued_at >= window_start)
        .group_by(Case.agency_id)
    )
    return {agency_id: (int(today or 0), int(usual or 0)) for agency_id, today, usual in rows}


def daily_cap(usual: int) -> int:
    """max(minimum, factor × mean daily invitations over the previous USUAL_DAYS days)."""
    factor = int(current_app.config["INVITATION_CAP_FACTOR"])
    return max(int(current_app.config["INVITATION_CAP_MIN"]), round(factor * usual / USUAL_DAYS))


def enforce_daily_cap(new_by_agency: Counter[Agency], api_key: ApiKey | None, source: str) -> None:
    """Raise 429 (audited, nothing else stored) when a batch would take an agency over today's cap."""
    day_start = city_day_start(utcnow())
    recent = recent_invitations([agency.id for agency in new_by_agency], day_start)
    over = []
    for agency, count in new_by_agency.items():
        today, usual = recent.get(agency.id, (0, 0))
        cap = daily_cap(usual)
        if today + count > cap:
            over.append({"agency": agency.code, "today": today, "requested": count, "cap": cap})
    if not over:
        return
    db.session.rollback()
    for item in over:
        record(minter(api_key, source), "cases.mint_refused", f"agency:{item['agency']}", None, item)
    db.session.commit()
    codes = ", ".join(item["agency"] for item in over)
    raise ApiError(
        429,
        f"Daily invitation cap reached for {codes}; nothing was stored. Try again tomorrow or ask the city.",
        [field_error("/cases", f"{i['agency']}: {i['today']} today + {i['requested']} > cap {i['cap']}") for i in over],
        "invitation-cap",
    )


def audit_minting(new_by_agency: Counter[Agency], api_key: ApiKey | None, source: str) -> None:
    """One audit entry per batch and agency: key, agency and count (in the batch's transaction)."""
    for agency, count in new_by_agency.items():
        after = {"api_key": api_key.id if api_key else None, "agency": agency.code, "count": count, "source": source}
        record(minter(api_key, source), "cases.mint", f"agency:{agency.code}", None, after)


def audit_refusal(api_key: ApiKey, agency_codes: list[str]) -> None:
    """A key trying to mint outside its scope: recorded (and committed) before the 403, nothing else stored."""
    db.session.rollback()
    record(
        minter(api_key, "api_key"), "cases.mint_refused", f"api_key:{api_key.id}", None, {"outside_scope": agency_codes}
    )
    db.session.commit()
