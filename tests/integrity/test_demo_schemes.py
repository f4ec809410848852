"""The demo city's planted schemes: each is caught and shown to the auditor; genuine agencies are not flagged."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.demo.schemes import AUDITOR_LOGIN
from survey.models import IntegrityFlag
from tests.actions import signed_in


def test_every_planted_scheme_is_caught_without_false_alarms(demo):
    match = re.search(r"(\d+) of (\d+) planted schemes caught in (\S+) \((.*?)\); (\d+) genuine", demo.summary)
    assert match, demo.summary
    caught, planted, period, which, false_alarms = match.groups()
    assert caught == planted == "3" and false_alarms == "0"
    codes = re.findall(r"\w+: ([A-Z0-9-]+)", which)
    with demo.app.app_context():
        from survey.extensions import db

        flagged = {flag.agency.code for flag in db.session.scalars(select(IntegrityFlag))}
        assert set(codes) <= flagged
        client = signed_in(demo.app.test_client(), AUDITOR_LOGIN, "demo-password")
        page = client.get(f"/auditor/?period={period}").text
        assert all(code in page for code in codes)


def test_the_demo_stores_the_straight_line_flag_as_the_old_definition_computes_it(demo):
    from survey.extensions import db
    from tests.integrity.test_check_tallies import stored_and_old

    pairs = stored_and_old(db)
    assert sum(stored for stored, _ in pairs.values()) > 50  # the planted scheme and genuine top answers
    assert [rid for rid, (stored, old) in pairs.items() if stored != old] == []
