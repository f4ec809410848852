"""Argon2id hashing helpers."""

from __future__ import annotations

from argon2 import PasswordHasher

from survey.passwords import hash_password, needs_rehash, spend_verification_time, verify_password


def test_hash_and_verify():
    stored = hash_password("mật khẩu đủ dài và khó đoán")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "mật khẩu đủ dài và khó đoán")
    assert not verify_password(stored, "mật khẩu khác")
    assert not needs_rehash(stored)


def test_malformed_hash_never_matches_and_asks_for_rehash():
    assert not verify_password("not-a-hash", "anything")
    assert needs_rehash("not-a-hash")


def test_weaker_parameters_ask_for_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("x" * 12)
    assert verify_password(weak, "x" * 12) and needs_rehash(weak)


def test_decoy_verification_runs_without_error():
    spend_verification_time("whatever")
