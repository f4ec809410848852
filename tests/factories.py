"""Builders for test data, through the same code paths the app uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from survey.extensions import db
from survey.intake import register_cases, validate_batch
from survey.models import Agency, ApiKey, Service
from survey.tokens import new_api_key


@dataclass
class City:
    agencies: dict[str, Agency]
    services: dict[str, Service]


def agency(code: str, kind: str = "ward", parent: Agency | None = None, name: str | None = None) -> Agency:
    item = Agency(
        code=code, name_vi=name or f"Phường {code}", name_en=f"Ward {code}", kind=kind, peer_group=kind, parent=parent
    )
    db.session.add(item)
    return item


def service(code: str, category: str = "civil-status", days: int = 3) -> Service:
    item = Service(
        code=code, name_vi=f"Thủ tục {code}", name_en=f"Procedure {code}", category=category, committed_days=days
    )
    db.session.add(item)
    return item


def small_city() -> City:
    d1 = agency("Q1", "district", name="Quận 1")
    d3 = agency("Q3", "district", name="Quận 3")
    agencies = {"Q1": d1, "Q3": d3, "SO-TP": agency("SO-TP", "department", name="Sở Tư pháp")}
    for parent, codes in ((d1, ("Q1-BN", "Q1-DK", "Q1-TD")), (d3, ("Q3-P1", "Q3-P2"))):
        for code in codes:
            agencies[code] = agency(code, "ward", parent)
    services = {
        code: service(code, cat, days)
        for code, cat, days in (
            ("HT-KHAISINH", "civil-status", 1),
            ("DD-GCN", "land", 30),
            ("XD-GPXD", "construction", 15),
        )
    }
    db.session.commit()
    return City(agencies, services)


def api_key(agency_codes: tuple[str, ...] = (), name: str = "test system") -> str:
    plain, prefix, digest = new_api_key()
    scope = [db.session.scalar(db.select(Agency).where(Agency.code == code)) for code in agency_codes]
    db.session.add(ApiKey(name=name, prefix=prefix, key_hash=digest, agencies=scope))
    db.session.commit()
    return plain


def case_json(
    case_ref: str = "HS-0001",
    agency_code: str = "Q1-BN",
    service_code: str = "HT-KHAISINH",
    completed: datetime | None = None,
    **overrides,
) -> dict:
    completed = completed or datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    body = {
        "agency_code": agency_code,
        "service_code": service_code,
        "case_ref": case_ref,
        "received_at": (completed - timedelta(days=3)).isoformat(),
        "due_at": (completed + timedelta(days=1)).isoformat(),
        "completed_at": completed.isoformat(),
        "channel": "online",
    }
    body.update(overrides)
    return body


def issue_link(case_ref: str = "HS-0001", **fields) -> str:
    """Register one case directly and return its survey token."""
    [issued] = register_cases(validate_batch([case_json(case_ref, **fields)]))
    return issued.token


def token_from_url(url: str) -> str:
    match = re.search(r"/s/([A-Za-z0-9_-]+)$", url)
    assert match, url
    return match.group(1)
