"""The public reference lists integrators read before posting cases."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AgencyItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    name_vi: str
    name_en: str
    kind: str
    peer_group: str
    parent_code: str | None


class AgencyList(BaseModel):
    """Active agencies, by code."""

    agencies: list[AgencyItem]


class ServiceItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    name_vi: str
    name_en: str
    category: str = Field(description="Groups services for case mix.")
    committed_days: int = Field(ge=0)


class ServiceList(BaseModel):
    """Active services (procedures), by code."""

    services: list[ServiceItem]
