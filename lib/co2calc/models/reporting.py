"""Cross-unit reporting: units with status, completion and totals; summaries; ranking."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from co2calc.models.common import PageQuery

__all__ = [
    "ModuleCompletion",
    "ReportingExportQuery",
    "ReportingFilters",
    "ReportingSummary",
    "ReportingUnitsQuery",
    "UnitReportingRow",
]

SORTS = ("code", "-code", "kg", "-kg", "per_fte", "-per_fte", "completion", "-completion")


class ReportingFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    subtree: int | None = Field(default=None, description="org unit whose subtree is reported")
    status: Literal["open", "signed_off"] | None = None
    module: str | None = Field(default=None, max_length=40, description="with module_status")
    module_status: Literal["not_started", "in_progress", "validated"] | None = Field(
        default=None,
        description="units with at least one module (or the given module) in this status",
    )
    include_estimates: bool = True


class ReportingUnitsQuery(PageQuery, ReportingFilters):
    sort: Literal[SORTS] | None = None  # type: ignore[valid-type]


class ReportingExportQuery(ReportingFilters):
    format: Literal["csv", "xlsx"] = "csv"


class UnitReportingRow(BaseModel):
    unit_id: int
    unit_code: str
    unit_name: str
    report_id: int
    status: str
    modules: int
    modules_validated: int
    completion_rate: float = Field(description="validated modules / modules")
    entries: int
    flagged_entries: int
    kg: Decimal
    t: Decimal
    fte: Decimal
    per_fte_t: Decimal | None


class ModuleCompletion(BaseModel):
    module: str
    reports: int
    validated: int
    rate: float


class ReportingSummary(BaseModel):
    year: int
    subtree: int | None
    include_estimates: bool
    units: int
    signed_off: int
    signed_off_rate: float
    completion_rate: float = Field(description="validated modules / modules, over all units")
    modules: list[ModuleCompletion]
    total_kg: Decimal
    total_fte: Decimal
    by_module: dict[str, Decimal]
    by_scope: dict[str, Decimal]
    ranking_total: list[UnitReportingRow] = Field(description="top 10 units by total kg")
    ranking_per_fte: list[UnitReportingRow] = Field(description="top 10 units by t per FTE")
