"""The invitation SMS names the issuing body, carries the short code and points to the verification page."""

from __future__ import annotations

import re

import pytest

from tests.factories import case_json

CODE = r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}"


def post(client, key, **fields):
    return client.post("/api/v1/cases", json=case_json(**fields), headers={"Authorization": f"Bearer {key}"})


def test_ascii_sms_fits_one_message_and_names_the_issuer_code_and_check_page(client, api_key, db):
    body = post(client, api_key).get_json()
    text = body["sms_text"]
    assert text.isascii() and len(text) <= 160
    assert text.startswith("UBND Thanh pho Ho Chi Minh") and body["survey_url"] in text
    assert re.search(rf"Ma {CODE}", text) and "http://localhost/verify" in text


def test_unicode_sms_is_proper_vietnamese_within_three_parts(app, client, api_key, db):
    app.config["SMS_UNICODE"] = True
    body = post(client, api_key).get_json()
    text = body["sms_text"]
    assert "mời Ông/Bà đánh giá" in text and "Mã xác thực" in text and "kiểm tra tại http://localhost/verify" in text
    assert len(text) <= 201 and body["survey_url"] in text


@pytest.mark.parametrize("unicode", [False, True])
def test_a_long_issuer_and_case_reference_still_fit(app, client, api_key, db, unicode):
    app.config["SMS_UNICODE"] = unicode
    app.config["ORG_NAME"] = "Ủy ban nhân dân " * 12
    body = post(client, api_key, case_ref="HS-" + "9" * 60).get_json()
    assert len(body["sms_text"]) <= (201 if unicode else 160)
    assert body["survey_url"] in body["sms_text"] and "/verify" in body["sms_text"]
