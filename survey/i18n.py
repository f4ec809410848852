"""Language selection: an explicit ``?lang=`` choice (remembered in a cookie), else Vietnamese."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, current_app, request
from flask_babel import get_locale

from survey.extensions import babel

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    choice = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if choice in languages:
        return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def switch_language_url(code: str) -> str:
    """The current page in another language (keeps the query, replaces ``lang``)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def remember_choice(response: Response) -> Response:
    choice = request.args.get("lang")
    if choice in current_app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != choice:
        response.set_cookie(
            LANG_COOKIE,
            choice,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", f"{app.root_path}/translations")
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(remember_choice)

    @app.context_processor
    def locale_context() -> dict:
        return {"locale": current_locale(), "switch_language_url": switch_language_url}
