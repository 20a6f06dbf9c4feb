"""Org units and the org tree."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from co2calc.models.common import PageQuery

__all__ = ["Names", "Unit", "UnitDetail", "UnitQuery", "UnitTreeNode"]


class Names(BaseModel):
    en: str
    fr: str
    de: str


class Unit(BaseModel):
    id: int
    code: str
    name: str = Field(description="English name")
    names: Names
    kind: Literal["institution", "faculty", "institute", "unit"]
    parent_id: int | None
    level: int
    path: str
    active: bool


class UnitManager(BaseModel):
    person_id: str
    display_name: str
    email: str | None


class UnitDetail(Unit):
    children: int
    managers: list[UnitManager]
    my_roles: list[str]


class UnitQuery(PageQuery):
    parent_id: int | None = None
    level: int | None = Field(default=None, ge=0, le=20)
    kind: Literal["institution", "faculty", "institute", "unit"] | None = None
    active: bool | None = None


class UnitTreeNode(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    visible: bool = Field(description="False for ancestors shown only for context")
    children: list[UnitTreeNode] = []
