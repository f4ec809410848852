"""The answering device, without storing its address: a keyed hash that changes every city day.

HMAC(server key, day, address) lets the checks see one address answering many links of an
agency on one day, while the stored value reveals no address, cannot be joined across days,
and is erased after ``SURVEY_DEVICE_HASH_DAYS`` (``erase_old_device_hashes``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import update

from ranking.periods import CITY_TZ
from survey.extensions import db
from survey.models import Response
from survey.models.base import utcnow


def device_hash(address: str | None, now: datetime | None = None) -> str | None:
    """32 hex characters keyed by the server secret and today's city date; None without an address."""
    if not address:
        return None
    day = (now or datetime.now(UTC)).astimezone(CITY_TZ).date().isoformat()
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), f"survey-device/{day}".encode(), hashlib.sha256)
    return hmac.new(key.digest(), address.encode(), hashlib.sha256).hexdigest()[:32]


def erase_old_device_hashes(now: datetime | None = None) -> int:
    """Forget device hashes older than the check window; returns how many were erased."""
    cutoff = (now.replace(tzinfo=None) if now else utcnow()) - timedelta(days=current_app.config["DEVICE_HASH_DAYS"])
    result = db.session.execute(
        update(Response)
        .where(Response.submitted_at < cutoff, Response.device_hash.is_not(None))
        .values(device_hash=None)
    )
    return int(result.rowcount or 0)
