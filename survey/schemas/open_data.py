"""Published snapshots as open data: one row per agency, the snapshot's metadata, the index.

Declared for the OpenAPI document; the bodies themselves are built by the publication
code, and tests/public/test_openapi.py checks real ones against these schemas.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from survey.vocabulary import BANDS

Band = Literal[BANDS]  # type: ignore[valid-type]
# Quantiles of simulated ranks: whole numbers, serialised as JSON numbers (e.g. 3.0).
Rank = float | None


class OpenDataRow(BaseModel):
    """One agency in one snapshot; null where withheld (small counts, unranked)."""

    model_config = ConfigDict(extra="forbid")

    agency_code: str
    agency_name: str
    peer_group: str
    period: str
    responses: int | None = Field(ge=0)
    positive: int | None = Field(ge=0)
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    expected: float | None
    z: float | None
    band: Band | None
    limit95_low: float | None
    limit95_high: float | None
    limit998_low: float | None
    limit998_high: float | None
    score: float | None
    score_low: float | None
    score_high: float | None
    rank: Rank = Field(ge=1)
    rank_low: Rank = Field(ge=1)
    rank_high: Rank = Field(ge=1)
    suppressed: bool
    ranked: bool
    adjusted_rate: float | None
    rank_set_low: Rank = Field(ge=1)
    rank_set_high: Rank = Field(ge=1)
    ranked_count: int | None = Field(ge=0)
    on_time_rate: float | None
    score_change: float | None
    score_change_low: float | None
    score_change_high: float | None
    score_change_significant: bool | None
    parent_code: str | None
    parent_name: str | None
    # What the figures rest on (docs/integrity.md); null in snapshots published before these were recorded.
    response_rate: float | None = Field(description="Counted answers ÷ invitations.")
    coverage: float | None = Field(description="Invitations ÷ completed cases.")
    held: int | None = Field(ge=0, description="Answers held for integrity review, not counted.")
    voided: int | None = Field(ge=0, description="Answers voided by the auditor, never counted.")
    assisted: int | None = Field(ge=0, description="Staff-assisted answers: kept, never ranked.")
    silence_rate: float | None = Field(description="Cases not rated dissatisfied ÷ cases (the national index's rule).")
    share_sms: float | None
    share_qr: float | None
    share_tablet: float | None
    share_web: float | None


class SnapshotMetadata(BaseModel):
    id: int
    period: str
    peer_group: str
    revision: int = Field(ge=1)
    provisional: bool
    method_version: str
    parameters: dict[str, Any] = Field(description="MethodParams used (METHODOLOGY.md).")
    created: str = Field(json_schema_extra={"format": "date-time"})
    hash: str = Field(pattern="^[0-9a-f]{64}$")
    previous_hash: str | None = Field(description="Hash of the snapshot before this one in the chain.")
    supersedes: int | None = Field(description="Id of the snapshot this one corrects.")


class SnapshotDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    snapshot: SnapshotMetadata
    summary: dict[str, Any] = Field(description="Group totals and fitted parameters.")
    rows: list[OpenDataRow]


class SnapshotLinks(BaseModel):
    html: str = Field(json_schema_extra={"format": "uri"})
    csv: str = Field(json_schema_extra={"format": "uri"})
    json_: str = Field(alias="json", json_schema_extra={"format": "uri"})
    funnel_svg: str | SkipJsonSchema[None] = Field(default=None, json_schema_extra={"format": "uri"})
    caterpillar_svg: str | SkipJsonSchema[None] = Field(default=None, json_schema_extra={"format": "uri"})


class SnapshotIndexEntry(SnapshotMetadata):
    """A snapshot's metadata with where to get it and what corrected it."""

    superseded_by: int | None
    links: SnapshotLinks


class IndexLinks(BaseModel):
    feed: str
    openapi: str


class SnapshotIndex(BaseModel):
    """Every snapshot with its metadata and links, newest first."""

    snapshots: list[SnapshotIndexEntry]
    links: IndexLinks
