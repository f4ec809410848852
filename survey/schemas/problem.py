"""RFC 9457 problem details, as every API error is sent."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema


class FieldProblem(BaseModel):
    """One entry of `errors`: where in the body, and what is wrong there."""

    pointer: str = Field(description="JSON pointer into the request body.")
    detail: str
    index: int | SkipJsonSchema[None] = Field(default=None, description="Position of the case in a batch.")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(json_schema_extra={"format": "uri"})
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | SkipJsonSchema[None] = None
