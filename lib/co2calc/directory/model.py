"""The provider-neutral shape of a directory snapshot."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "DirectoryPerson",
    "DirectoryRole",
    "DirectorySnapshot",
    "DirectoryUnavailable",
    "DirectoryUnit",
    "SnapshotRejected",
]


class DirectoryUnavailable(Exception):
    """The directory could not be read; nothing may be changed."""


class SnapshotRejected(DirectoryUnavailable):
    """The snapshot looks wrong (it would remove too many roles); nothing changed."""


class DirectoryUnit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    names: dict[Literal["en", "fr", "de"], str]
    kind: Literal["institution", "faculty", "institute", "unit"] = "unit"
    parent: str | None = Field(default=None, description="parent unit code")
    external_id: str | None = None
    active: bool = True

    @model_validator(mode="after")
    def _english_name(self) -> DirectoryUnit:
        if not self.names.get("en"):
            raise ValueError("names.en is required")
        return self


class DirectoryRole(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["standard", "principal", "affiliation", "admin"]
    unit: str | None = Field(default=None, description="unit code; none for admin")

    @model_validator(mode="after")
    def _unit_matches_role(self) -> DirectoryRole:
        if (self.role == "admin") != (self.unit is None):
            raise ValueError("admin roles have no unit; every other role names one")
        return self


class DirectoryPerson(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str = Field(min_length=1, max_length=64)
    display_name: str
    email: str | None = None
    active: bool = True
    roles: list[DirectoryRole] = []


class DirectorySnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    units: list[DirectoryUnit]
    people: list[DirectoryPerson]

    @model_validator(mode="after")
    def _consistent(self) -> DirectorySnapshot:
        codes = [u.code for u in self.units]
        if len(codes) != len(set(codes)):
            raise ValueError("unit codes must be unique")
        known = set(codes)
        for u in self.units:
            if u.parent is not None and u.parent not in known:
                raise ValueError(f"unit {u.code}: parent {u.parent} is not in the snapshot")
        for p in self.people:
            for r in p.roles:
                if r.unit is not None and r.unit not in known:
                    raise ValueError(f"person {p.person_id}: unit {r.unit} is unknown")
        return self

    def units_parent_first(self) -> list[DirectoryUnit]:
        by_code = {u.code: u for u in self.units}
        depth: dict[str, int] = {}

        def d(code: str, seen: frozenset[str] = frozenset()) -> int:
            if code in seen:
                raise ValueError(f"cycle in the unit hierarchy at {code}")
            if code not in depth:
                parent = by_code[code].parent
                depth[code] = 0 if parent is None else d(parent, seen | {code}) + 1
            return depth[code]

        return sorted(self.units, key=lambda u: (d(u.code), u.code))
