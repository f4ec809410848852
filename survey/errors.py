"""Error pages: problem+json under /api, translated HTML pages elsewhere; never a raw 500 for bad input."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from survey.extensions import db
from survey.problems import ApiError, problem_response
from survey.request_log import redacted_path

log = logging.getLogger(__name__)


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        db.session.rollback()
        return problem_response(error.status, error.detail, error.errors, error.slug)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        if wants_problem_json():
            return problem_response(status, error.description or "")
        return render_template("errors/http.html", status=status), status

    @app.errorhandler(IntegrityError)
    def conflicting_write(error: IntegrityError):
        # A unique constraint lost a race with a concurrent request (e.g. two admins creating
        # the same code): the transaction is rolled back whole, so ask the user to retry.
        db.session.rollback()
        log.info("conflicting write refused by a constraint on %s", redacted_path(request.path))
        if wants_problem_json():
            return problem_response(409, "A concurrent change conflicted with this request; nothing was stored.")
        return render_template("errors/http.html", status=409), 409

    @app.errorhandler(OperationalError)
    def database_unavailable(error: DBAPIError):
        # A lost or refused connection: tell the client to retry; the pool reconnects (survey.db_liveness).
        db.session.rollback()
        log.warning("database unavailable: %s", type(error.orig).__name__)
        if wants_problem_json():
            response = problem_response(503, "The database is unavailable; retry shortly.")
        else:
            response = app.make_response((render_template("errors/http.html", status=503), 503))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, redacted_path(request.path))
        if wants_problem_json():
            return problem_response(500, "Unexpected error; it has been logged.")
        return render_template("errors/http.html", status=500), 500
