"""Reporting years."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_OBJECTIVES",
    "Completeness",
    "CompletenessProblem",
    "FactorSetRef",
    "ModuleCompleteness",
    "Objectives",
    "ObjectivesOut",
    "ReductionTarget",
    "TrajectoryPoint",
    "Year",
    "YearCreate",
    "YearStatusUpdate",
]


class YearCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100, description="calendar year of the inventory")


class Year(BaseModel):
    year: int
    status: Literal["draft", "open", "closed"]
    created_at: datetime
    opened_at: datetime | None
    reports: int = Field(description="unit-year reports created for this year")
    signed_off: int


class YearStatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["draft", "open", "closed"]
    force: bool = Field(
        default=False,
        description="open although the completeness check is not ready (recorded in the audit log)",
    )


class CompletenessProblem(BaseModel):
    kind: str = Field(description="stable code, e.g. no_factor_set, flagged_entries")
    message: str
    blocking: bool = Field(description="blocks opening the year")
    count: int | None = None
    details: list[str] = Field(default_factory=list)


class ModuleCompleteness(BaseModel):
    module: str
    entries: int
    flagged: int = Field(description="entries stored with a flag (compute to nothing)")
    still_flagged: int = Field(description="flagged entries that still fail with today's data")
    ready: bool
    problems: list[CompletenessProblem]


class FactorSetRef(BaseModel):
    version: str
    origin: Literal["stored", "shipped"]
    row_count: int
    gwp_set: str


class Completeness(BaseModel):
    year: int
    status: Literal["draft", "open", "closed"]
    ready: bool
    factor_set: FactorSetRef | None
    problems: list[CompletenessProblem] = Field(description="problems not tied to one module")
    modules: list[ModuleCompleteness]


class ReductionTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    reduction: float = Field(ge=0, le=1, description="fraction of the baseline removed")


class Objectives(BaseModel):
    model_config = ConfigDict(extra="forbid")

    baseline_year: int = Field(ge=2000, le=2100)
    targets: list[ReductionTarget] = Field(min_length=1, max_length=20)

    def problems(self) -> list[dict]:
        """Cross-field rules: target years after the baseline and increasing, reductions too."""
        out = []
        prev: ReductionTarget | None = None
        for i, t in enumerate(self.targets):
            if t.year <= self.baseline_year:
                out.append((i, "year", "after_baseline", "must be after the baseline year"))
            if prev is not None and t.year <= prev.year:
                out.append((i, "year", "not_increasing", "target years must increase"))
            if prev is not None and t.reduction < prev.reduction:
                out.append((i, "reduction", "not_increasing", "reductions must not decrease"))
            prev = t
        return [
            {
                "loc": ["body", "targets", str(i), f],
                "field": f"targets.{i}.{f}",
                "type": typ,
                "message": msg,
            }
            for i, f, typ, msg in out
        ]


DEFAULT_OBJECTIVES = Objectives(
    baseline_year=2019,
    targets=[
        ReductionTarget(year=2030, reduction=0.40),
        ReductionTarget(year=2040, reduction=0.90),
    ],
)


class TrajectoryPoint(BaseModel):
    year: int
    reduction: float = Field(description="reduction vs the baseline on the straight-line path")
    share_of_baseline: float = Field(description="1 - reduction")


class ObjectivesOut(BaseModel):
    year: int
    default: bool = Field(description="True when the institution's objectives are not set")
    objectives: Objectives
    trajectory: list[TrajectoryPoint]
