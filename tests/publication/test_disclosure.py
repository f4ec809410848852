"""No hidden count can be recovered from the published files, whichever of them a reader combines."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from survey.models import Snapshot
from survey.publication import catch_up
from tests import factories

JULY, AUGUST, SEPTEMBER = (datetime(2026, m, 15, 3, tzinfo=UTC) for m in (7, 8, 9))
COUNTS = {  # ward: (satisfied, unsatisfied) in July, August, September
    "Q1-BN": ((40, 10), (42, 8), (45, 15)),
    "Q1-DK": ((80, 10), (85, 5), (88, 12)),
    "Q1-TD": ((120, 20), (125, 15), (130, 20)),
    "Q3-P1": ((30, 10), (35, 5), (3, 0)),  # three answers in September: hidden that month
    "Q3-P2": ((20, 10), (22, 8), (20, 10)),
}


def published_documents(client, db) -> list[dict]:
    ids = db.session.scalars(select(Snapshot.id).order_by(Snapshot.id)).all()
    return [client.get(f"/snapshots/{snapshot_id}.json").get_json() for snapshot_id in ids]


def test_no_hidden_count_survives_totals_or_quarter_minus_months(client, db, city):
    for code, months in COUNTS.items():
        for when, (good, bad) in zip((JULY, AUGUST, SEPTEMBER), months, strict=True):
            factories.responses(code, good, bad, when)
    catch_up(datetime(2026, 10, 2, tzinfo=UTC), actor="test")
    documents = published_documents(client, db)
    wards = {(d["snapshot"]["period"]): d for d in documents if d["snapshot"]["peer_group"] == "ward"}
    assert set(wards) == {"2026-07", "2026-08", "2026-09", "2026-Q3"}

    for document in documents:
        rows, summary = document["rows"], document["summary"]
        visible = [r for r in rows if not r["suppressed"]]
        # Group totals minus the visible rows leave nothing to attribute to a hidden agency.
        assert summary["responses"] == sum(r["responses"] for r in visible)
        assert summary["positive"] == sum(r["positive"] for r in visible)
        # A hidden row carries nothing computed from its answers (only how many were held or voided).
        for row in rows:
            if row["suppressed"]:
                assert {k: v for k, v in row.items() if v is not None and k not in ("held", "voided")} == {
                    "agency_code": row["agency_code"],
                    "agency_name": row["agency_name"],
                    "peer_group": row["peer_group"],
                    "period": row["period"],
                    "suppressed": True,
                    "ranked": False,
                    # Facts about the group and the tree, not about the agency's answers:
                    "ranked_count": summary["ranked_agencies"],
                    "parent_code": row["parent_code"],
                    "parent_name": row["parent_name"],
                }

    # Quarter minus its months: wherever a month hides an agency, the quarter hides it too.
    quarter = {r["agency_code"]: r for r in wards["2026-Q3"]["rows"]}
    for month in ("2026-07", "2026-08", "2026-09"):
        for row in wards[month]["rows"]:
            if row["suppressed"]:
                assert quarter[row["agency_code"]]["suppressed"], (month, row["agency_code"])
    assert {r["agency_code"] for r in wards["2026-09"]["rows"] if r["suppressed"]} >= {"Q3-P1"}
    assert quarter["Q3-P1"]["suppressed"] and quarter["Q1-TD"]["responses"] == 430


def test_every_row_hidden_in_a_month_is_hidden_in_its_quarter_and_verify_agrees(runner, db, city):
    for code, months in COUNTS.items():
        for when, (good, bad) in zip((JULY, AUGUST, SEPTEMBER), months, strict=True):
            factories.responses(code, good, bad, when)
    catch_up(datetime(2026, 10, 2, tzinfo=UTC), actor="test")
    verified = runner.invoke(args=["ranking", "verify"])
    assert verified.exit_code == 0, verified.output
