"""Unit results: totals with 95 % intervals, breakdowns, change, trajectory, exports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Amount",
    "CarEquivalent",
    "ChangeLine",
    "Estimates",
    "ExportQuery",
    "FrozenComparison",
    "ModuleChange",
    "PerFte",
    "Projection",
    "ResultsQuery",
    "TopItem",
    "Trajectory",
    "UnitHistory",
    "UnitYearResults",
    "YearChange",
    "YearSummary",
]


class ResultsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include_estimates: bool = Field(
        default=True, description="include the estimated additional categories (§4.9) in totals"
    )


class ExportQuery(ResultsQuery):
    format: Literal["csv", "xlsx"] = "csv"
    what: Literal["entries", "results"] = "results"


class Amount(BaseModel):
    """A sum of emission rows with its 95 % interval (lognormal, factor groups correlated)."""

    key: str | None = None
    kg: Decimal
    t: Decimal
    low_kg: float
    high_kg: float
    sd_kg: float
    method: str


class SubmoduleAmount(Amount):
    module: str
    submodule: str


class PerFte(BaseModel):
    fte: Decimal = Field(description="members' FTE + students' FTE (headcount module)")
    kg: Decimal
    t: Decimal
    reference_t: Decimal = Field(description="2 t CO2e per person and year")
    ratio_to_reference: float


class Estimates(BaseModel):
    kg: Decimal = Field(description="kg CO2e of the estimated additional categories")
    included_in_total: bool
    total: Amount
    share_of_total: float = Field(description="share of all rows (estimates included)")
    by_leaf: list[Amount]


class CarEquivalent(BaseModel):
    km: Decimal
    kg_per_km: Decimal
    source: str


class TopItem(BaseModel):
    entry_id: int
    module: str
    submodule: str
    label: str | None = Field(description="None when the caller may not read the entry itself")
    kg: Decimal
    share: float
    flagged: bool = False


class DataQuality(BaseModel):
    entries: int
    flagged_entries: int = Field(description="entries that could not be computed (count as 0 kg)")
    estimate_kg: Decimal
    estimate_share: float = Field(description="share of the total (estimates included)")
    flagged_or_estimated_share: float = Field(
        description="share of the shown total from estimated rows (flagged entries add 0 kg)"
    )


class FrozenComparison(BaseModel):
    """A signed-off report: the numbers as reported and restated with current rows."""

    signed_off_at: datetime | None
    factor_version: str | None = Field(description="factor set version frozen at sign-off")
    current_factor_version: str | None
    inputs_hash: str | None
    current_inputs_hash: str
    inputs_changed: bool
    as_reported: dict[str, Any] = Field(description="report.frozen_results (kg as text)")
    restated: dict[str, Any] = Field(description="same shape, from the current emission rows")
    difference_kg: Decimal = Field(description="restated − as reported")


class UnitYearResults(BaseModel):
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    report_id: int
    report_status: str
    include_estimates: bool
    total: Amount
    per_fte: PerFte | None
    by_scope: list[Amount]
    by_module: list[Amount]
    by_submodule: list[SubmoduleAmount]
    top_items: list[TopItem]
    estimates: Estimates
    data_quality: DataQuality
    car_km: CarEquivalent
    frozen: FrozenComparison | None = None


class YearSummary(BaseModel):
    year: int
    report_id: int
    report_status: str
    entries: int
    total: Amount
    estimates_kg: Decimal
    fte: Decimal
    per_fte_t: Decimal | None
    by_scope: dict[str, Decimal]
    by_module: dict[str, Decimal]


class UnitHistory(BaseModel):
    unit_id: int
    unit_code: str
    include_estimates: bool
    years: list[YearSummary]


class ModuleChange(BaseModel):
    """One module's change and its effects (sums of its submodules' rounded figures)."""

    module: str
    previous_kg: Decimal
    current_kg: Decimal
    change_kg: Decimal
    activity_kg: Decimal
    factor_kg: Decimal
    headcount_kg: Decimal


class ChangeLine(ModuleChange):
    """One submodule's change and its effects (activity + factor + headcount = change)."""

    submodule: str


class YearChange(BaseModel):
    unit_id: int
    year: int
    previous_year: int
    include_estimates: bool
    previous_kg: Decimal
    current_kg: Decimal
    change_kg: Decimal
    change_pct: float | None
    activity_kg: Decimal
    factor_kg: Decimal
    headcount_kg: Decimal
    fte_previous: Decimal
    fte_current: Decimal
    by_module: list[ModuleChange]
    by_submodule: list[ChangeLine]
    method: str


class TrajectoryTarget(BaseModel):
    year: int
    reduction: Decimal
    target_kg: Decimal


class YearKg(BaseModel):
    year: int
    kg: Decimal


class ProjectedPoint(YearKg):
    path_kg: Decimal | None = None


class Projection(BaseModel):
    method: str
    method_description: str
    slope_kg_per_year: Decimal | None
    points: list[ProjectedPoint]


class Trajectory(BaseModel):
    unit_id: int
    year: int
    include_estimates: bool
    objectives_source: Literal["reporting_year.objectives", "default"]
    objectives_baseline_year: int
    baseline_year: int | None
    baseline_kg: Decimal | None
    baseline_note: str | None
    actual_kg: Decimal
    targets: list[TrajectoryTarget]
    path_kg: Decimal | None = Field(description="objectives path at this year")
    gap_kg: Decimal | None = Field(description="actual − path (positive: above the path)")
    on_track: bool | None
    history: list[YearKg]
    projection: Projection
