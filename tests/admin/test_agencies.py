"""Agencies: the tree, audited create and edit, deactivation instead of deletion, bad input refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.models import Agency, AuditLog, PeerGroup
from tests.actions import post_form, text_of
from tests.admin.helpers import audit_count


def agency(db, code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def form_data(**overrides) -> dict:
    data = {
        "code": "Q1-NEW",
        "name_vi": "Phường Mới",
        "name_en": "New Ward",
        "kind": "ward",
        "parent_id": "0",
        "peer_group": "ward",
        "active": "y",
    }
    data.update(overrides)
    return data


def test_tree_nests_wards_under_their_district(admin_client):
    html = admin_client.get("/admin/agencies").get_data(as_text=True)
    district = html.index(">Quận 1<")
    ward = html.index("Q1-BN")
    other_district = html.index(">Quận 3<")
    assert district < ward < other_district
    assert html.count('<ul class="tree">') == 2  # departments, districts
    english = text_of(admin_client.get("/admin/agencies?lang=en"))
    assert "Departments" in english and "Districts and their wards" in english


def test_create_agency_under_a_parent_is_audited(admin_client, db):
    parent = agency(db, "Q1")
    response = post_form(admin_client, "/admin/agencies/new", form_data(parent_id=str(parent.id)))
    assert response.status_code == 303
    created = agency(db, "Q1-NEW")
    assert created.parent_id == parent.id and created.active and created.name_en == "New Ward"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "agency.create"))
    assert entry.actor == "admin@example.gov.vn" and entry.target == f"agency:{created.id}"
    assert entry.before is None and entry.after["parent_code"] == "Q1" and entry.after["code"] == "Q1-NEW"


def test_edit_records_only_what_changed(admin_client, db):
    ward = agency(db, "Q1-BN")
    q3 = agency(db, "Q3")
    data = form_data(code="IGNORED", name_vi="Phường Bến Nghé", name_en=ward.name_en, parent_id=str(q3.id))
    response = post_form(admin_client, f"/admin/agencies/{ward.id}/edit", data)
    assert response.status_code == 303
    db.session.refresh(ward)
    assert ward.code == "Q1-BN"  # codes never change
    assert ward.parent_id == q3.id and ward.name_vi == "Phường Bến Nghé"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "agency.update"))
    assert entry.before == {"name_vi": "Phường Q1-BN", "parent_code": "Q1"}
    assert entry.after == {"name_vi": "Phường Bến Nghé", "parent_code": "Q3"}


def test_saving_without_changes_logs_nothing(admin_client, db):
    ward = agency(db, "Q1-BN")
    data = form_data(
        name_vi=ward.name_vi, name_en=ward.name_en, parent_id=str(ward.parent_id), peer_group=ward.peer_group
    )
    assert post_form(admin_client, f"/admin/agencies/{ward.id}/edit", data).status_code == 303
    assert audit_count() == 0


def test_deactivate_keeps_the_agency(admin_client, db):
    ward = agency(db, "Q1-BN")
    response = post_form(admin_client, f"/admin/agencies/{ward.id}/deactivate")
    assert response.status_code == 303
    db.session.refresh(ward)
    assert ward.active is False
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "agency.deactivate"))
    assert entry.before == {"active": True} and entry.after == {"active": False}
    assert "inactive" in text_of(admin_client.get("/admin/agencies?lang=en"))


def test_there_is_no_way_to_delete_an_agency(admin_client, app, db):
    ward = agency(db, "Q1-BN")
    assert not [rule for rule in app.url_map.iter_rules() if "delete" in rule.rule or "DELETE" in rule.methods]
    assert admin_client.delete(f"/admin/agencies/{ward.id}/edit").status_code == 405
    assert agency(db, "Q1-BN") is not None


BAD_CREATES = [
    ("code", "Q1", "already exists"),
    ("code", "q1", "already exists"),
    ("code", "Q 1", "letters, digits"),
    ("code", "", "required"),
    ("name_vi", "", "required"),
    ("name_vi", "<script>alert(1)</script>", "Must not contain < or >"),
    ("name_vi", '=HYPERLINK("http://evil")', "spreadsheet formulas"),
    ("name_vi", "Phường\u202eevil", "control or invisible"),
    ("name_vi", "x" * 201, "At most 200 characters"),
    ("kind", "palace", "Choose one of the listed options"),
    ("parent_id", "99999", "Choose one of the listed options"),
    ("parent_id", "abc", "Choose one of the listed options"),
    ("peer_group", "wards", "Choose one of the listed options"),
    ("parent_id", "{Q1-BN}", "Choose one of the listed options"),  # a ward holds no agencies
    ("parent_id", "{SO-TP}", "cannot sit under the chosen parent"),  # a ward under a department
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_CREATES)
def test_bad_input_is_explained_and_stores_nothing(admin_client, db, field, value, message):
    before = db.session.scalar(select(func.count()).select_from(Agency))
    value = value.format(**{code: agency(db, code).id for code in ("Q1-BN", "SO-TP")})
    response = post_form(admin_client, "/admin/agencies/new?lang=en", form_data(**{field: value}))
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and "Please correct the marked fields" in page
    assert db.session.scalar(select(func.count()).select_from(Agency)) == before
    assert audit_count() == 0


@pytest.mark.parametrize("descendant", ["Q1", "Q1-BN"])
def test_an_agency_cannot_become_its_own_ancestor(admin_client, db, descendant):
    district = agency(db, "Q1")
    target = agency(db, descendant)
    data = form_data(name_vi=district.name_vi, kind="district", parent_id=str(target.id), peer_group="district")
    response = post_form(admin_client, f"/admin/agencies/{district.id}/edit?lang=en", data)
    assert response.status_code == 422
    assert "Choose one of the listed options" in text_of(response)
    db.session.refresh(district)
    assert district.parent_id is None and audit_count() == 0


def test_unknown_agency_is_404(admin_client):
    assert admin_client.get("/admin/agencies/99999/edit").status_code == 404


@pytest.mark.parametrize("huge", ["2147483648", "90086444096974225408"])
def test_ids_past_any_database_integer_are_404_not_500(admin_client, huge):
    for url in (f"/admin/agencies/{huge}/edit", f"/admin/users/{huge}/edit", f"/admin/questions/{huge}"):
        assert admin_client.get(url).status_code == 404
    assert admin_client.get("/manage/inbox/90086444096974225408").status_code == 404


def test_the_parent_picker_lists_only_agencies_that_may_hold_others(admin_client, db):
    page = admin_client.get("/admin/agencies/new").get_data(as_text=True)
    assert f'value="{agency(db, "Q1").id}"' in page and "SO-TP · Sở Tư pháp" in page
    assert f'<option value="{agency(db, "Q1-BN").id}"' not in page


def test_a_peer_group_with_a_vietnamese_name_is_added_and_then_chosen(admin_client, db):
    data = {"code": "xa-dac-khu", "name_vi": "Xã và đặc khu", "name_en": "Communes and special zones"}
    assert post_form(admin_client, "/admin/peer-groups", data).status_code == 303
    group = db.session.scalar(select(PeerGroup).where(PeerGroup.code == "xa-dac-khu"))
    assert group.name_vi == "Xã và đặc khu" and audit_count() == 1
    assert "Xã và đặc khu (xa-dac-khu)" in admin_client.get("/admin/agencies/new").get_data(as_text=True)
    response = post_form(admin_client, "/admin/agencies/new", form_data(code="XA-MOI", peer_group="xa-dac-khu"))
    assert response.status_code == 303 and agency(db, "XA-MOI").peer_group == "xa-dac-khu"
    listing = text_of(admin_client.get("/admin/peer-groups?lang=en"))
    assert "Communes and special zones" in listing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "ward", "already exists"),  # in use by agencies, though not yet in the list
        ("code", "Phường", "letters, digits"),
        ("code", "", "required"),
        ("name_vi", "", "required"),
        ("name_vi", "<b>x</b>", "Must not contain < or >"),
    ],
)
def test_a_bad_peer_group_is_refused_and_nothing_stored(admin_client, db, field, value, message):
    data = {"code": "xa", "name_vi": "Xã", "name_en": ""} | {field: value}
    response = post_form(admin_client, "/admin/peer-groups?lang=en", data)
    assert response.status_code == 422 and message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(PeerGroup)) == 0 and audit_count() == 0


@pytest.mark.parametrize(("text", "found"), [("bn", {"Q1-BN"}), ("Tư PHÁP", {"SO-TP"}), ("%", set())])
def test_agency_search_matches_code_or_name(admin_client, db, text, found):
    page = admin_client.get("/admin/agencies", query_string={"q": text, "lang": "en"}).get_data(as_text=True)
    codes = set(re.findall(r'<span class="code">([^<]+)</span>', page))
    assert codes == found and f"{len(found)} agencies match" in page


def test_an_overlong_search_is_refused(admin_client, db):
    assert admin_client.get("/admin/agencies", query_string={"q": "x" * 101}).status_code == 400
