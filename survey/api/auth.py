"""Bearer API-key authentication for the intake endpoints."""

from __future__ import annotations

from flask import g, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import ApiKey
from survey.problems import ApiError
from survey.tokens import sha256_hex


def bearer_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def require_api_key() -> ApiKey:
    """The active key named by the Authorization header, or a 401 problem."""
    plain = bearer_key()
    if plain is None:
        raise ApiError(401, "Send an API key as 'Authorization: Bearer KEY'.", slug="unauthenticated")
    if len(plain) > 200:
        raise ApiError(401, "Invalid API key.", slug="unauthenticated")
    key = db.session.scalar(
        select(ApiKey).where(ApiKey.key_hash == sha256_hex(plain)).options(selectinload(ApiKey.agencies))
    )
    if key is None or not key.active:
        raise ApiError(401, "Invalid or revoked API key.", slug="unauthenticated")
    g.api_key = key
    return key


def rate_limit_key() -> str:
    """Rate-limit intake per key (by its hash prefix), falling back to the client address."""
    plain = bearer_key()
    return f"key:{sha256_hex(plain)[:16]}" if plain else f"ip:{request.remote_addr}"
