"""API keys: the plain key appears once, only its hash is stored, the scope is enforced, revocation works."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.models import Agency, ApiKey, AuditLog
from survey.tokens import sha256_hex
from tests.actions import post_form, text_of
from tests.admin.helpers import audit_count
from tests.factories import case_json

KEY_RE = re.compile(r'id="plain-key"[^>]*value="(sk_[A-Za-z0-9_-]+)"|value="(sk_[A-Za-z0-9_-]+)"[^>]*id="plain-key"')


def agency_id(db, code: str) -> int:
    return db.session.scalar(select(Agency.id).where(Agency.code == code))


def create(admin_client, db, **overrides) -> str:
    data = {"name": "Một cửa Quận 1", "agencies": [str(agency_id(db, "Q1"))], "include_subagencies": "y"}
    data.update(overrides)
    response = post_form(admin_client, "/admin/api-keys/new", data)
    assert response.status_code == 201, response.status_code
    html = response.get_data(as_text=True)
    match = KEY_RE.search(html)
    assert match, html
    return match.group(1) or match.group(2)


def intake(client, key: str, agency_code: str, ref: str):
    return client.post(
        "/api/v1/cases", json=case_json(ref, agency_code=agency_code), headers={"Authorization": f"Bearer {key}"}
    )


def test_plain_key_is_shown_once_and_only_its_hash_is_stored(admin_client, db):
    plain = create(admin_client, db)
    key = db.session.scalar(select(ApiKey))
    assert key.key_hash == sha256_hex(plain) and plain.startswith(key.prefix)
    assert plain not in admin_client.get("/admin/api-keys").get_data(as_text=True)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "apikey.create"))
    assert plain not in str(entry.after) and entry.after["prefix"] == key.prefix


def test_scope_includes_sub_agencies_and_is_enforced(admin_client, client, db):
    plain = create(admin_client, db)
    key = db.session.scalar(select(ApiKey))
    assert sorted(a.code for a in key.agencies) == ["Q1", "Q1-BN", "Q1-DK", "Q1-TD"]
    assert intake(client, plain, "Q1-BN", "A-1").status_code == 201
    assert intake(client, plain, "Q3-P1", "A-2").status_code == 403


def test_scope_without_sub_agencies_is_exact(admin_client, db):
    create(admin_client, db, include_subagencies="")
    assert [a.code for a in db.session.scalar(select(ApiKey)).agencies] == ["Q1"]


def test_all_agencies_key_has_no_restriction(admin_client, client, db):
    plain = create(admin_client, db, agencies=[], all_agencies="y")
    assert db.session.scalar(select(ApiKey)).agencies == []
    assert intake(client, plain, "Q3-P1", "A-3").status_code == 201


def test_revoked_key_is_refused_by_the_api(admin_client, client, db):
    plain = create(admin_client, db)
    key = db.session.scalar(select(ApiKey))
    assert post_form(admin_client, f"/admin/api-keys/{key.id}/revoke").status_code == 303
    db.session.refresh(key)
    assert key.revoked_at is not None
    assert intake(client, plain, "Q1", "A-4").status_code == 401
    listing = text_of(admin_client.get("/admin/api-keys?lang=en"))
    assert key.prefix in listing and f"Revoke {key.prefix}" not in listing
    assert post_form(admin_client, f"/admin/api-keys/{key.id}/revoke").status_code == 303  # twice is harmless
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "apikey.revoke")) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"agencies": []}, "Choose at least one agency"),
        ({"all_agencies": "y"}, "not both"),
        ({"agencies": ["99999"]}, "Choose one of the listed options"),
        ({"agencies": ["x"]}, "Choose one of the listed options"),
        ({"name": ""}, "required"),
        ({"name": "<img src=x onerror=alert(1)>"}, "Must not contain < or >"),
    ],
)
def test_bad_key_requests_create_nothing(admin_client, db, overrides, message):
    data = {"name": "System", "agencies": [str(agency_id(db, "Q1"))]} | overrides
    response = post_form(admin_client, "/admin/api-keys/new?lang=en", data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(ApiKey.id)) is None and audit_count() == 0


def test_finding_agencies_narrows_the_list_and_keeps_what_is_ticked(admin_client, db, city):
    """Hundreds of agencies without Ctrl-clicks or JavaScript: search, tick, search again, create."""
    q1bn, q3p1 = city.agencies["Q1-BN"].id, city.agencies["Q3-P1"].id
    page = admin_client.get("/admin/api-keys/new?lang=en").text
    assert 'type="checkbox"' in page and f'value="{q3p1}"' in page and "<select multiple" not in page
    found = post_form(
        admin_client, "/admin/api-keys/new", {"name": "Một cửa", "q": "Q1-BN", "action": "find", "agencies": [q3p1]}
    )
    assert found.status_code == 200
    assert f'value="{q1bn}"' in found.text and f'value="{q3p1}"' in found.text  # the match, and the ticked one
    assert f'value="{city.agencies["Q1-DK"].id}"' not in found.text
    assert db.session.scalar(select(func.count()).select_from(ApiKey)) == 0  # finding creates nothing
    created = post_form(admin_client, "/admin/api-keys/new", {"name": "Một cửa", "agencies": [q1bn, q3p1]})
    assert created.status_code == 201
    key = db.session.scalar(select(ApiKey))
    assert {a.code for a in key.agencies} >= {"Q1-BN", "Q3-P1"}


def test_a_bogus_agency_tick_is_refused(admin_client, db, city):
    response = post_form(admin_client, "/admin/api-keys/new?lang=en", {"name": "x", "agencies": ["abc"]})
    assert response.status_code == 422 and db.session.scalar(select(func.count()).select_from(ApiKey)) == 0
