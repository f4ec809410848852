"""Phone numbers at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key that never enters the database.

The key comes from ``PHONE_KEY`` (one or more keys, comma-separated: the first encrypts,
all decrypt, so a key can be rotated) or ``PHONE_KEY_FILE``. Development, with neither,
keeps a generated key in ``instance/phone.key`` beside (not inside) the SQLite file.

A keyed hash of the number (``lookup``) finds a contact from an opt-out reply without
decrypting every row; it is keyed by the same material, so it too is useless without it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

KEY_FILE_NAME = "phone.key"


def _key_text(app: Flask) -> str:
    if app.config.get("PHONE_KEY"):
        return app.config["PHONE_KEY"]
    path = Path(app.config.get("PHONE_KEY_FILE") or Path(app.instance_path) / KEY_FILE_NAME)
    if not path.exists():
        if app.config.get("ENV_NAME") == "production":
            raise RuntimeError(f"phone key file {path} is missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
    return path.read_text().strip()


def _keys(app: Flask) -> list[bytes]:
    keys = [part.strip().encode() for part in _key_text(app).replace("\n", ",").split(",") if part.strip()]
    if not keys:
        raise RuntimeError("the phone key is empty")
    return keys


def _box(app: Flask) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys(app)])


def encrypt_phone(phone: str) -> str:
    return _box(current_app).encrypt(phone.encode()).decode()


def decrypt_phone(cipher: str) -> str | None:
    """The number, or None if no configured key opens it (a key was dropped too early)."""
    try:
        return _box(current_app).decrypt(cipher.encode()).decode()
    except InvalidToken:
        return None


def lookups(phone: str) -> list[str]:
    """The number's keyed hash under every configured key (new rows use the first)."""
    message = b"phone-lookup/v1:" + phone.encode()
    return [hmac.new(key, message, hashlib.sha256).hexdigest() for key in _keys(current_app)]


def lookup(phone: str) -> str:
    return lookups(phone)[0]
