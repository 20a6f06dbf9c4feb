"""Reporting years."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Year", "YearCreate"]


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
