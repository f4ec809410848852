"""Loading signed-in staff users; session ids carry a version so "sign out everywhere" works."""

from __future__ import annotations

from flask import Flask

from survey.extensions import db, login_manager
from survey.models import User


def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None  # the sign-in page explains itself
