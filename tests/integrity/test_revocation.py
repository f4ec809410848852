"""Revoking a key closes its unanswered links and can hold its answered ones."""

from __future__ import annotations

from sqlalchemy import select

from survey.apikeys import revoke_api_key
from survey.models import ApiKey, AuditLog, IntegrityFlag, Response
from tests import factories
from tests.actions import submit
from tests.integrity.test_attack import mint


def _key(db) -> ApiKey:
    return db.session.scalars(select(ApiKey)).one()


def test_revoking_a_key_closes_its_unanswered_links_like_expired_ones(client, city, db):
    key = factories.api_key(("Q1-BN",))
    answered, unanswered = mint(client, key, 2)
    other = factories.issue_link("NOT-THE-KEY")  # an upload's link is not the key's
    assert submit(client, answered).status_code == 303
    assert revoke_api_key(_key(db), actor="admin@example.org")
    page = client.get(f"/s/{unanswered}")
    assert page.status_code == 410
    assert client.get(f"/s/{other}").status_code == 200
    assert db.session.scalars(select(Response.integrity)).all() == ["counted"]
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "apikey.revoke")).one()
    # The answered link is closed too: no response says which invitation it answered.
    assert entry.after["closed_links"] == 2 and entry.after["held_responses"] == 0


def test_revoking_with_hold_holds_the_keys_answers_for_the_auditor(client, city, db):
    key = factories.api_key(("Q1-BN",))
    for token in mint(client, key, 3):
        submit(client, token)
    assert revoke_api_key(_key(db), actor="admin@example.org", hold_answered=True)
    assert db.session.scalars(select(Response.integrity)).all() == ["held"] * 3
    flag = db.session.scalars(select(IntegrityFlag)).one()
    assert (flag.kind, flag.status) == ("revoked_key", "held")
    assert not revoke_api_key(_key(db), actor="admin@example.org")  # twice: nothing more recorded


def test_cli_revoke_with_hold(client, city, db, runner):
    key = factories.api_key(("Q1-BN",))
    [token] = mint(client, key, 1)
    submit(client, token)
    result = runner.invoke(args=["apikey", "revoke", _key(db).prefix, "--hold"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Response.integrity)) == "held"
