"""Equipment electricity entries (product spec §4.4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, model_validator

from co2calc.calc.entries.base import Entry, Label

__all__ = ["HOURS_PER_WEEK", "EquipmentEntry"]

HOURS_PER_WEEK = 168
Hours = Annotated[Decimal | None, Field(default=None, ge=0, le=HOURS_PER_WEEK, allow_inf_nan=False)]


class EquipmentEntry(Entry):
    """One inventory item; hours left empty default from the context (per week)."""

    inventory_id: Annotated[str, Field(min_length=1, max_length=64)]
    name: Label
    cls: Label
    subclass: str | None = Field(default=None, max_length=200)
    active_hours_week: Hours = None
    standby_hours_week: Hours = None

    @model_validator(mode="after")
    def _week(self) -> Self:
        total = (self.active_hours_week or 0) + (self.standby_hours_week or 0)
        if total > HOURS_PER_WEEK:
            raise ValueError(f"active + standby hours exceed {HOURS_PER_WEEK} per week")
        return self
