"""RFC 9457 problem details for the JSON API: one exception type, one response builder."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from survey.schemas.problem import Problem

PROBLEM_TYPE_BASE = "https://survey.example/problems/"
TITLES = {
    400: "Malformed request",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid fields",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


class ApiError(Exception):
    """Raised anywhere under the API; rendered once by the error handler."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        slug: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.slug = slug


def problem_response(
    status: int, detail: str, errors: list[dict[str, Any]] | None = None, slug: str | None = None
) -> Response:
    problem = Problem(
        type=PROBLEM_TYPE_BASE + (slug or str(status)),
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        errors=errors or None,
    )
    response = jsonify(problem.model_dump(exclude_none=True))
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="survey-intake"'
    return response


def field_error(pointer: str, message: str, index: int | None = None) -> dict[str, Any]:
    """One entry of ``errors``: a JSON pointer to the field and what is wrong with it."""
    entry: dict[str, Any] = {"pointer": pointer, "detail": message}
    if index is not None:
        entry["index"] = index
    return entry
