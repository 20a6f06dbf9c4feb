"""Unit-year reports and their module statuses."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from co2calc.models.common import PageQuery

__all__ = ["ModuleState", "ModuleStatusUpdate", "Report", "ReportQuery"]

ModuleStatusName = Literal["not_started", "in_progress", "validated"]


class ModuleState(BaseModel):
    module: str
    status: ModuleStatusName
    entries: int = 0
    flagged: int = 0
    kg_co2e: Decimal = Decimal(0)
    validated_at: datetime | None = None


class Report(BaseModel):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    status: Literal["open", "signed_off"]
    signed_off_at: datetime | None
    frozen_factor_version: str | None
    frozen_inputs_hash: str | None
    kg_co2e: Decimal = Field(description="current total of the report's emission rows")
    modules: list[ModuleState]


class ReportQuery(PageQuery):
    year: int | None = Field(default=None, ge=2000, le=2100)
    unit_id: int | None = None
    status: Literal["open", "signed_off"] | None = None


class ModuleStatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["in_progress", "validated"] = Field(
        description="'validated' validates the module; 'in_progress' reopens it"
    )
