"""The audit log as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from co2calc.models.common import PageQuery

__all__ = ["AuditEntry", "AuditExportQuery", "AuditQuery"]


class AuditFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resource: str | None = Field(default=None, max_length=64)
    unit_id: int | None = None
    actor_id: int | None = None
    action: Literal["create", "update", "delete"] | None = None
    since: datetime | None = Field(default=None, description="inclusive")
    until: datetime | None = Field(default=None, description="exclusive")


class AuditQuery(PageQuery, AuditFilters):
    pass


class AuditExportQuery(AuditFilters):
    format: Literal["csv"] = "csv"


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    resource: str
    resource_id: str
    unit_id: int | None
    before: Any = None
    after: Any = None
    request_id: str | None
