"""Shapes shared by every API: pagination."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Page", "PageQuery"]


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=50, ge=1, le=500)
    sort: str | None = Field(
        default=None, max_length=64, description="field name, '-' prefix for descending"
    )
    q: str | None = Field(default=None, max_length=200, description="free-text search")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


class Page[T](BaseModel):
    items: list[T]
    total: int
    page: int
    page_size: int
