"""Data entries of every module: request bodies, list queries and responses.

The *content* of an entry (``data``) is validated by the engine's entry model of
its submodule (``co2calc.calc.entry_model``); these shapes only wrap it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from co2calc.models.common import Page, PageQuery

__all__ = [
    "BulkDelete",
    "BulkDeleteResult",
    "EntryCreate",
    "EntryEmission",
    "EntryFlag",
    "EntryItem",
    "EntryPage",
    "EntryQuery",
    "EntryTotals",
    "EntryUpdate",
    "TrainAlternative",
]


class EntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: dict[str, Any] = Field(description="the submodule's entry fields (engine entry model)")
    note: str | None = Field(default=None, max_length=2000)
    owner_user_id: int | None = Field(
        default=None,
        description="own-scope modules (travel, cloud-ai): the user the row belongs to;"
        " only unit managers and admins may name someone else",
    )


class EntryUpdate(EntryCreate):
    version: int = Field(ge=1, description="the version read; a stale version gives 409")


class BulkDelete(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[int] = Field(min_length=1, max_length=1000)


class BulkDeleteResult(BaseModel):
    deleted: int


class EntryQuery(PageQuery):
    """Pagination, sort (``field`` or ``-field``), ``q`` and ``flagged``; modules add filters."""

    flagged: bool | None = Field(default=None, description="only flagged (true) or unflagged")
    owner_user_id: int | None = None


class EntryFlag(BaseModel):
    reason: str
    detail: str | None = None


class EntryEmission(BaseModel):
    leaf: str
    scope: int
    category: str
    kg_co2e: Decimal
    quantity: Decimal
    quantity_unit: str
    factor_id: str
    factor_version: str
    uncertainty: float
    estimate: bool = False


class TrainAlternative(BaseModel):
    """The same journey by train between the stations nearest to both airports (not stored)."""

    origin_station: str
    destination_station: str
    kg_co2e: Decimal


class EntryItem(BaseModel):
    id: int
    module: str
    submodule: str
    data: dict[str, Any]
    note: str | None
    kg_co2e: Decimal
    estimate: bool
    flag: EntryFlag | None
    emissions: list[EntryEmission]
    owner_user_id: int | None
    source: str
    created_at: datetime
    updated_at: datetime
    version: int
    train_alternative: TrainAlternative | None = None


class EntryTotals(BaseModel):
    count: int
    kg_co2e: Decimal


class EntryPage(Page[EntryItem]):
    totals: EntryTotals
