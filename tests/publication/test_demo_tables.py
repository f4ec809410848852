"""Method 2 on the demo city as `make run` loads it: the designed worst department is flagged
every month, and no small agency with a perfect score is called well above its peers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from survey import create_app
from survey.demo import load_demo
from survey.extensions import db as _db
from survey.models import Snapshot
from survey.publication import catch_up
from survey.vocabulary import FLAG_BANDS
from tests.conftest import DEMO_NOW

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published_demo(postgres_url: str | None, tmp_path_factory) -> Iterator[list[Snapshot]]:
    """The default seed (the one `make run` loads), two months, published with the current method."""
    url = postgres_url or f"sqlite:///{Path(tmp_path_factory.mktemp('demo2')) / 'demo.sqlite3'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        load_demo(seed=2026, months=3, echo=lambda _: None, now=DEMO_NOW)
        catch_up(DEMO_NOW, actor="test")
        yield list(_db.session.scalars(select(Snapshot)))
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def test_no_small_perfect_agency_is_well_above(published_demo):
    for snapshot in published_demo:
        for entry in snapshot.entries:
            if entry.responses and entry.responses < 30 and entry.positive == entry.responses:
                assert entry.figures["band"] != "well_above", (snapshot.period, entry.agency_code)


def test_the_designed_worst_department_is_flagged_every_month(published_demo):
    months = [s for s in published_demo if s.peer_group == "department" and s.period_kind == "month"]
    assert len(months) >= 2
    for snapshot in months:
        shown = [e for e in snapshot.entries if not e.suppressed and (e.responses or 0) >= 30]
        worst = min(shown, key=lambda e: e.positive / e.responses)
        # About 40% satisfied against about 88% for its peers, by design of the demo.
        assert worst.positive / worst.responses < snapshot.summary["rate"] - 0.2, snapshot.period
        assert worst.figures["band"] in FLAG_BANDS, (snapshot.period, worst.agency_code, worst.figures["z"])
