"""Loading signed-in staff users from their server-side session (see survey.sessions)."""

from __future__ import annotations

from flask import Flask

from survey.extensions import login_manager
from survey.models import User
from survey.sessions import load_session


def load_user(session_id: str) -> User | None:
    return load_session(session_id)


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None  # the sign-in page explains itself
