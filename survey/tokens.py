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


def _response_key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"survey-response-link/v1", hashlib.sha256).digest()


def response_link_hash(token: str) -> str:
    """What a response stores instead of its invitation: HMAC(server key, link token).

    Unique per link, so the database still refuses a second response and the link's holder
    finds their own response again; but the database alone cannot join it to an invitation
    (which stores SHA-256 of the token, a different value) without the server's key.
    """
    return hmac.new(_response_key(), token.encode(), hashlib.sha256).hexdigest()


# Short codes for the "is this message real?" page: no 0/O, 1/l/I (read aloud or typed from
# paper without doubt). Eight symbols of 31 are about 40 bits: unguessable at the page's rate limit.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8


def short_code_for_salt(salt: str) -> str:
    """An invitation's short code, derived like its token (so a slip printed later shows the same code)."""
    digest = hmac.new(_token_key(), b"short-code:" + salt.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    symbols = []
    for _ in range(SHORT_CODE_LENGTH):
        number, index = divmod(number, len(SHORT_CODE_ALPHABET))
        symbols.append(SHORT_CODE_ALPHABET[index])
    return "".join(symbols)


def display_code(code: str) -> str:
    """ABCD-EFGH: two groups of four are easier to read out and copy."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """What a citizen typed, as a code: upper case, spaces and dashes dropped (may still be invalid)."""
    return re.sub(r"[\s\-–.]", "", text or "").upper()[:32]


def short_code_hash(code: str) -> str:
    """What the database stores: a keyed hash, so a leaked database cannot be searched for codes."""
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"survey-short-code/v1", hashlib.sha256).digest()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
