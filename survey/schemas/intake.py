"""Intake bodies: a completed case, a batch of them, and what the API answers for each.

The models are both the validation and the published OpenAPI schemas. Field errors are
turned into the ``errors`` entries of a problem (a JSON pointer and a short message);
those messages are part of the API and predate the models, so they are kept word for word.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictStr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ranking.periods import CITY_TZ
from survey.codes import AGENCY_CODE_PATTERN, CASE_REF_PATTERN, SERVICE_CODE_PATTERN
from survey.models.base import to_naive_utc, utcnow
from survey.models.case import CHANNELS
from survey.phones import PHONE_MESSAGE, normalise_phone
from survey.problems import ApiError, field_error

CLOCK_SKEW = timedelta(minutes=10)
MAX_BATCH = 1000  # what the document promises; INTAKE_MAX_BATCH may set a lower limit
CODE_MESSAGE = "must be 1-64 letters, digits or . _ - (and : in case_ref)"
BEFORE_RECEIVED = "is before received_at"
IN_FUTURE = "is in the future"


def parse_timestamp(value: Any) -> datetime:
    """ISO 8601; a timestamp without offset is read as city time (Asia/Ho_Chi_Minh). Naive UTC out."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        raise ValueError("must be an ISO 8601 date-time string, e.g. 2026-10-05T14:30:00+07:00")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("is not a valid ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CITY_TZ)
    if not 2000 <= parsed.year <= 2100:
        raise ValueError("year must be between 2000 and 2100")
    return to_naive_utc(parsed)


def _timestamp(value: Any) -> datetime:
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise PydanticCustomError("timestamp", str(exc)) from None


def _string_first(value: Any) -> Any:
    """A channel is checked as a string before as a choice, so 5 reads "must be a string"."""
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "must be a string")
    return value


def _phone(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "must be a string")
    phone = normalise_phone(value)
    if phone is None:
        raise PydanticCustomError("phone", PHONE_MESSAGE)
    return phone


Timestamp = Annotated[datetime, PlainValidator(_timestamp), WithJsonSchema({"type": "string", "format": "date-time"})]
Channel = Annotated[Literal[CHANNELS], BeforeValidator(_string_first)]  # type: ignore[valid-type]
Phone = Annotated[
    str,
    PlainValidator(_phone),
    WithJsonSchema({"type": "string", "examples": ["0912345678", "+84912345678"]}),
]


class CaseInput(BaseModel):
    """A completed case. Times are ISO 8601; without an offset they are read as Asia/Ho_Chi_Minh."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency_code: Annotated[StrictStr, Field(pattern=AGENCY_CODE_PATTERN)]
    service_code: Annotated[StrictStr, Field(pattern=SERVICE_CODE_PATTERN)]
    case_ref: Annotated[StrictStr, Field(pattern=CASE_REF_PATTERN)]
    received_at: Timestamp
    due_at: Timestamp
    completed_at: Annotated[Timestamp, Field(description="Not in the future.")]
    channel: Channel
    phone: Phone | None = Field(
        default=None,
        description=(
            "The citizen's Vietnamese mobile number, for the service to send the invitation and at most one "
            "reminder by SMS. Stored encrypted and erased when the survey closes. When the service delivers, "
            "the answer carries no survey link."
        ),
    )

    @field_validator("due_at", "completed_at")
    @classmethod
    def _not_before_received(cls, value: datetime, info: ValidationInfo) -> datetime:
        received = info.data.get("received_at")  # present only when it was valid itself
        if received is not None and value < received:
            raise PydanticCustomError("date_order", BEFORE_RECEIVED)
        if info.field_name == "completed_at" and value > utcnow() + CLOCK_SKEW:
            raise PydanticCustomError("date_order", IN_FUTURE)
        return value


ALL_FIELDS = tuple(CaseInput.model_fields)
CASE_FIELDS = tuple(name for name, spec in CaseInput.model_fields.items() if spec.is_required())


class CaseBatch(BaseModel):
    """Several cases, stored whole or not at all."""

    model_config = ConfigDict(extra="forbid")

    cases: list[CaseInput] = Field(min_length=1, max_length=MAX_BATCH)


def batch_items(body: dict[str, Any], limit: int) -> list[Any]:
    """A batch's envelope, checked before its cases: only ``cases``, a non-empty array, at most ``limit``."""
    unknown = [key for key in body if key not in CaseBatch.model_fields]
    if unknown:
        errors = [field_error(f"/{key}", "unknown field") for key in unknown]
        raise ApiError(422, "A batch has only the field 'cases'.", errors, "invalid-fields")
    items = body["cases"]
    if not isinstance(items, list) or not items:
        errors = [field_error("/cases", "must be a non-empty array")]
        raise ApiError(422, "'cases' must be a non-empty array.", errors, "invalid-fields")
    if len(items) > limit:
        raise ApiError(413, f"A batch holds at most {limit} cases.", slug="batch-too-large")
    return items


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing" or (error.get("input") is None and len(error["loc"]) == 1):
        return "is required"
    if kind == "model_type":
        return "each case must be a JSON object"
    if kind == "string_type":
        return "must be a string"
    if kind == "string_pattern_mismatch":
        return CODE_MESSAGE
    if kind == "literal_error":
        return f"must be one of {', '.join(CHANNELS)}"
    return error["msg"]  # our own PydanticCustomError messages


# Date-order rules are reported after every field's own errors, in this order.
DATE_ORDER = [("completed_at", BEFORE_RECEIVED), ("due_at", BEFORE_RECEIVED), ("completed_at", IN_FUTURE)]


def _order(error: dict[str, Any]) -> tuple[int, int]:
    """Unknown fields first, then fields in declared order, then date-order rules."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden" or not loc:
        return (0, 0)
    if error["type"] == "date_order":
        return (2, DATE_ORDER.index((loc[0], error["msg"])))
    return (1, ALL_FIELDS.index(loc[0]))


def case_errors(exc: ValidationError, index: int | None = None) -> list[dict[str, Any]]:
    """Pydantic's errors for one case as problem ``errors`` entries (pointer, detail, index)."""
    base = "" if index is None else f"/cases/{index}"
    found = sorted(exc.errors(include_url=False), key=_order)
    return [field_error("".join([base, *(f"/{part}" for part in e["loc"])]) or "/", _message(e), index) for e in found]


def validate_case(obj: Any, index: int | None = None) -> tuple[CaseInput | None, list[dict[str, Any]]]:
    """Check one case's shape and values; return the parsed case or field errors."""
    try:
        return CaseInput.model_validate(obj), []
    except ValidationError as exc:
        return None, case_errors(exc, index)


class CaseResult(BaseModel):
    """One case's survey link, SMS text and QR code addresses; none of them when the service delivers it."""

    model_config = ConfigDict(extra="forbid")

    agency_code: str
    service_code: str
    case_ref: str
    created: bool = Field(description="False when the identical case was already registered.")
    survey_url: str | None = Field(
        default=None, json_schema_extra={"format": "uri"}, description="Single-use survey link; null when delivered."
    )
    expires_at: str = Field(json_schema_extra={"format": "date-time"})
    sms_text: str | None = Field(
        default=None,
        max_length=201,
        description=(
            "Ready-to-send SMS naming the issuing body, with the link and a short code to check at /verify: "
            "ASCII in one 160-character message, or Vietnamese (UCS-2, up to 3 parts, 201 characters) "
            "when the service is configured with SURVEY_SMS_UNICODE. Null when the service delivers by SMS."
        ),
    )
    qr_svg_url: str | None = Field(default=None, json_schema_extra={"format": "uri"})
    qr_png_url: str | None = Field(default=None, json_schema_extra={"format": "uri"})
    delivery: Literal["queued", "declined"] | None = Field(
        default=None,
        description=(
            "Set when a phone number was given and the service delivers by SMS: 'queued', or 'declined' when the "
            "number has opted out of messages. Null when the case system hands out the link itself."
        ),
    )


class BatchResult(BaseModel):
    """Every case of a batch, in the order sent, with how many were new."""

    model_config = ConfigDict(extra="forbid")

    cases: list[CaseResult]
    created: int = Field(ge=0)
    existing: int = Field(ge=0)
