"""Factor sets, factors and reference data (airports, stations, power table, FX, HICP, rooms)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from co2calc.models.common import PageQuery

__all__ = [
    "AirportOut",
    "FacilitiesLoaded",
    "FacilityQuery",
    "FacilityRow",
    "FacilityUseUnit",
    "FactorChangeOut",
    "FactorDiffOut",
    "FactorLoadQuery",
    "FactorOut",
    "FactorQuery",
    "FactorSetActivate",
    "FactorSetInfo",
    "FactorSetLoaded",
    "FactorSetQuery",
    "FxQuery",
    "FxRate",
    "HicpPoint",
    "PowerClassOut",
    "PowerQuery",
    "ReferenceFacility",
    "ReferenceRoom",
    "RoomQuery",
    "RoomRow",
    "RoomsLoaded",
    "StationOut",
    "SuggestQuery",
]

#: the values of :class:`co2calc.calc.entries.facilities.FacilityUnit` (kept as a
#: Literal so this module does not import the engine; a test checks they agree)
FacilityUseUnit = Literal["hours", "CHF", "animal_housings"]
RoomType = Literal["office", "laboratory", "archive", "library", "auditorium", "other"]
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class FactorSetQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=2100)


class FactorSetInfo(BaseModel):
    year: int
    version: str
    active: bool = Field(description="the set used for calculation of its year")
    row_count: int
    gwp_set: str
    loaded_at: datetime | None = Field(description="None for shipped defaults")
    source_name: str = ""
    shipped: bool = Field(description="a default set shipped with co2calc, not stored")


class FactorQuery(PageQuery):
    module: str | None = Field(default=None, max_length=64)
    submodule: str | None = Field(default=None, max_length=64)
    version: str | None = Field(
        default=None, pattern=VERSION_PATTERN, description="a stored version; default: active"
    )


class FactorOut(BaseModel):
    factor_id: str
    module: str
    submodule: str
    key: str
    value: Decimal
    unit: str
    uncertainty: Decimal = Field(description="relative half-width of the 95 % interval")
    source: str
    source_table: str
    source_year: int | None
    gwp_set: str
    non_co2: str = Field(description="included | multiplier | not_applicable")
    non_co2_multiplier: Decimal | None
    electricity_mix: str | None
    base_year: int | None
    currency: str | None
    licence: str
    notes: str


class FactorLoadQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(pattern=VERSION_PATTERN, description="unique per year")
    activate: bool = Field(default=True, description="make it the year's active set")
    gwp_set: Literal["AR4", "AR5", "AR6"] = "AR5"


class FactorSetActivate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(pattern=VERSION_PATTERN)


class FactorChangeOut(BaseModel):
    factor_id: str
    fields: list[str]
    old_value: str
    new_value: str


class FactorDiffOut(BaseModel):
    added: list[str]
    changed: list[FactorChangeOut]
    stale: list[str] = Field(description="factors of the previous set missing from this one")
    unchanged: int


class FactorSetLoaded(BaseModel):
    set: FactorSetInfo
    previous_version: str | None = Field(description="the set the diff compares against")
    diff: FactorDiffOut
    recalculation_event: str | None = Field(
        description="id of the recalculation CloudEvent (None when not activated)"
    )


class SuggestQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1, max_length=100)
    limit: int = Field(default=10, ge=1, le=50)


class AirportOut(BaseModel):
    iata: str
    name: str
    city: str
    country: str
    lat: float
    lon: float


class StationOut(BaseModel):
    uic: str
    name: str
    country: str
    lat: float
    lon: float


class PowerQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=100)


class PowerClassOut(BaseModel):
    category: str
    subcategory: str
    cls: str = Field(description="equipment class")
    subclass: str
    active_w: Decimal
    standby_w: Decimal


class FxQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=1999, le=2100)


class FxRate(BaseModel):
    year: int
    currency: str
    units_per_eur: Decimal = Field(description="annual mean ECB reference rate")
    source: str
    origin: Literal["stored", "packaged"] = Field(description="refreshed (database) or shipped")


class HicpPoint(BaseModel):
    year: int
    index: Decimal = Field(description="annual average, as used to deflate spend")
    base: str = Field(description="index base, e.g. 2015=100")
    source: str
    origin: Literal["stored", "packaged"] = Field(
        description="refreshed (database) or shipped (rebased onto the stored base if needed)"
    )


class RoomQuery(PageQuery):
    building: str | None = Field(default=None, max_length=64)


class ReferenceRoom(BaseModel):
    building: str
    room: str
    surface_m2: Decimal
    room_type: RoomType
    heating_carrier: str
    active: bool
    updated_at: datetime


class RoomRow(BaseModel):
    """One row of the room-list upload (CSV columns of the same names)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    building: str = Field(min_length=1, max_length=64)
    room: str = Field(min_length=1, max_length=64)
    surface_m2: Decimal = Field(gt=0, lt=100_000)
    room_type: RoomType
    heating_carrier: str = Field(default="district_heating", pattern=r"^[a-z][a-z0-9_:.-]{0,63}$")


class RoomsLoaded(BaseModel):
    rows: int
    inserted: int
    updated: int


class FacilityQuery(PageQuery):
    """Page through a year's facilities; ``q`` matches the name or the unit's code."""


class ReferenceFacility(BaseModel):
    year: int
    name: str
    unit_id: int | None = Field(description="the facility's own unit")
    unit_code: str | None
    use_unit: FacilityUseUnit
    total_use: Decimal = Field(description="the facility's total use of the year")
    footprint_kg: dict[str, Decimal] = Field(description="yearly footprint by source, kg CO2e")
    footprint_total_kg: Decimal
    uncertainty: float = Field(description="relative half-width of the 95 % interval")
    updated_at: datetime


class FacilityRow(BaseModel):
    """One row of the research-facilities upload (CSV columns of the same names).

    A facility may span several rows, one per footprint ``source``; its other
    columns must then agree. ``footprint_kg`` may be left empty only with a
    ``unit_code``: the footprint is then taken from that unit's report.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    facility: str = Field(min_length=1, max_length=200)
    unit_code: str | None = Field(default=None, min_length=1, max_length=64)
    use_unit: FacilityUseUnit
    total_use: Decimal = Field(gt=0, allow_inf_nan=False)
    source: str = Field(default="total", pattern=r"^[A-Za-z0-9][A-Za-z0-9_:.-]{0,63}$")
    footprint_kg: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    uncertainty: float = Field(default=0.3, ge=0, le=1, allow_inf_nan=False)


class FacilitiesLoaded(BaseModel):
    rows: int
    facilities: int
    inserted: int
    updated: int
    computed: list[str] = Field(
        description="facilities whose footprint was taken from their unit's report"
    )
    recalculation_event: str | None = Field(
        description="id of the recalculation CloudEvent (None when the year is not created)"
    )
