"""Citizen satisfaction survey and public ranking service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config import INSTANCE_DIR, Config, config_for

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application. ``config`` is a config class or name; ``overrides`` win over both."""
    config_class = config if isinstance(config, type) else config_for(config)
    config_class.validate()

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    from survey.routing import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter
    if overrides:
        app.config.update(overrides)
    if app.config["PUBLIC_CACHE_SECONDS"] > 0:
        from survey.i18n import LANG_COOKIE
        from survey.microcache import PublicMicrocache

        app.wsgi_app = app.extensions["public_microcache"] = PublicMicrocache(  # type: ignore[method-assign]
            app.wsgi_app,
            ttl=app.config["PUBLIC_CACHE_SECONDS"],
            session_cookie=app.config["SESSION_COOKIE_NAME"],
            lang_cookie=LANG_COOKIE,
        )
    if app.config["CITIZEN_FAST_LANE"]:  # outside the cache: survey pages are never cached
        from survey.citizen.fastlane import SurveyFastLane

        app.wsgi_app = app.extensions["citizen_fast_lane"] = SurveyFastLane(app.wsgi_app, app)  # type: ignore[method-assign]
    if app.config["PROXY_HOPS"]:  # outermost, so the cache sees the client's scheme and host
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=app.config["PROXY_HOPS"])
    if app.config["ENV_NAME"] == "production":  # says loudly when the proxy setting cannot be right
        from survey.deploy_checks import ForwardedHeaderGuard

        app.wsgi_app = ForwardedHeaderGuard(app.wsgi_app, app.config["PROXY_HOPS"])  # type: ignore[method-assign]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from survey import accounts, errors, i18n, logs, request_log, security
    from survey.extensions import csrf, db, limiter, login_manager, migrate

    logs.init_app(app)  # first: redaction and request ids for everything after
    db.init_app(app)
    from survey import db_liveness

    with app.app_context():
        for engine in db.engines.values():
            db_liveness.install(engine)
        if "citizen_fast_lane" in app.extensions:
            app.extensions["citizen_fast_lane"].attach_database(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    accounts.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    request_log.init_app(app)

    from survey.admin import bp as admin_bp
    from survey.api import bp as api_bp
    from survey.auditor import bp as auditor_bp
    from survey.auth import bp as auth_bp
    from survey.citizen import bp as citizen_bp
    from survey.delivery.routes import bp as delivery_bp
    from survey.manage import bp as manage_bp
    from survey.privacy.routes import bp as privacy_bp
    from survey.public import bp as public_bp

    app.register_blueprint(citizen_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(auditor_bp)
    app.register_blueprint(delivery_bp)
    app.register_blueprint(privacy_bp)
    csrf.exempt(api_bp)  # bearer-key API: no cookies, so no CSRF surface

    from survey.cli import register_commands

    register_commands(app)
    return app
