"""PII scrubbing: reference examples and generated text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.scrub import REDACTED, scrub_pii

NINE_DIGITS = re.compile(r"(?:\d[^\d\n]{0,2}){9}")


@pytest.mark.parametrize(
    "text",
    [
        "Liên hệ 0903123456 nhé",
        "SĐT: 090 312 3456",
        "gọi +84 903 123 456",
        "84903123456",
        "(028) 3829 1234",
        "028.3829.1234",
        "CCCD 079123456789",
        "CMND 023456789",
        "thẻ 4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "email nguyen.van.a@gmail.com",
        "mail a(at)b.vn",
        "０９０３１２３４５６",
    ],
)
def test_known_formats_are_removed(text):
    cleaned = scrub_pii(text)
    assert REDACTED in cleaned
    assert not re.search(r"\d{4}", cleaned.replace(REDACTED, "")) or "thẻ" not in text
    assert "@" not in cleaned


@pytest.mark.parametrize("text", ["Chờ 15 ngày", "Phí 50.000 đồng", "Phường 12, Quận 3", "Hồ sơ 2026-10"])
def test_ordinary_numbers_are_kept(text):
    assert scrub_pii(text) == text


def vn_phone() -> st.SearchStrategy[str]:
    prefix = st.sampled_from(["0", "+84", "84", "+84 ", "(+84) "])
    body = st.from_regex(r"[35789]\d{8}", fullmatch=True)
    sep = st.sampled_from(["", " ", ".", "-"])

    def join(p, b, s):
        return p + b[:2] + s + b[2:5] + s + b[5:]

    return st.builds(join, prefix, body, sep)


@settings(deadline=None, max_examples=200)
@given(before=st.text(max_size=40), phone=vn_phone(), after=st.text(max_size=40))
def test_generated_phone_numbers_never_survive(before, phone, after):
    cleaned = scrub_pii(f"{before} {phone} {after}")
    digits = re.sub(r"\D", "", phone)[-9:]
    assert digits not in re.sub(r"\D", "", cleaned)


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=200))
def test_output_has_no_invisible_controls_or_long_digit_runs(text):
    cleaned = scrub_pii(text)
    assert not re.search(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", cleaned)
    assert not re.search(r"\d{9}", cleaned)


@settings(deadline=None, max_examples=100)
@given(
    local=st.from_regex(r"[a-z][a-z0-9._]{0,15}", fullmatch=True),
    domain=st.from_regex(r"[a-z]{2,10}\.(vn|com|gov\.vn)", fullmatch=True),
)
def test_generated_emails_never_survive(local, domain):
    assert "@" not in scrub_pii(f"liên hệ {local}@{domain} giúp")
