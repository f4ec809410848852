"""Survey-link tokens and API keys: random, and stored only as hashes.

A link token is HMAC(server key, per-invitation random salt). The database keeps the
salt and SHA-256(token), so a leaked database reveals no working link, while a
re-posted case can be given the same link again (the server recomputes it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app

TOKEN_LENGTH = 22  # 132 bits of base64url
TOKEN_PATTERN = re.compile(rf"^[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}$")
API_KEY_PREFIX = "sk_"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _token_key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"survey-invitation-token/v1", hashlib.sha256).digest()


def new_salt() -> str:
    return secrets.token_hex(16)


def token_for_salt(salt: str) -> str:
    digest = hmac.new(_token_key(), salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_LENGTH]


def looks_like_token(text: str) -> bool:
    """Cheap shape check so garbage never reaches the database."""
    return bool(TOKEN_PATTERN.match(text))


def new_api_key() -> tuple[str, str, str]:
    """A fresh key: (plain key shown once, display prefix, stored hash)."""
    plain = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return plain, plain[:10], sha256_hex(plain)
