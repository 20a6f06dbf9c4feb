"""Everything a calculation needs besides the entry, resolved once per run.

:class:`CalcContext` is built once (per report, per recalculation batch) from
the factor set, the reporting year and reference lookups, and precomputes the
indexes the hot path reads. It holds no request or user state; its only
mutable parts are memo tables of pure functions (distance per airport pair,
resolved flight factor per band and cabin), safe to share across threads
because a race only recomputes the same value.

Reference records are typed structurally (:class:`AirportLike`…) so the
engine does not import ``co2calc.refdata``; its ``Airport``, ``Station`` and
``PowerClass`` dataclasses satisfy these protocols.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from co2calc.factors.model import FactorSet

__all__ = [
    "AirportLike",
    "CalcContext",
    "FacilityRef",
    "PowerClassLike",
    "RoomRef",
    "StationLike",
    "station_key",
]

DEFAULT_WORKING_DAYS = 235  # 5 days × 47 weeks (product spec §4.6)
DEFAULT_EQUIPMENT_HOURS = (Decimal(40), Decimal(128))  # active, standby h/week if none given


class AirportLike(Protocol):
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def country(self) -> str: ...


class StationLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


class PowerClassLike(Protocol):
    @property
    def cls(self) -> str: ...
    @property
    def subclass(self) -> str | None: ...
    @property
    def active_w(self) -> Decimal: ...
    @property
    def standby_w(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class RoomRef:
    """A room of the reference room list (surface, type, heating carrier)."""

    building: str
    room: str
    surface_m2: Decimal
    room_type: str
    heating_carrier: str = "district_heating"


@dataclass(frozen=True, slots=True)
class FacilityRef:
    """A shared research facility: its yearly use and footprint (product spec §4.8).

    ``footprint_kg`` is split by source (energy, purchases…) as computed from the
    facility unit's own report; ``footprint_version`` identifies that computation.
    """

    name: str
    total_use: Decimal
    use_unit: str
    footprint_kg: Mapping[str, Decimal]
    uncertainty: float = 0.3
    footprint_version: str = ""


def station_key(name: str, country: str) -> tuple[str, str]:
    """Stations are matched on case-folded name and upper-case country code."""
    return (" ".join(name.split()).casefold(), country.strip().upper())


@dataclass(slots=True)
class CalcContext:
    """Factor set, year and reference lookups for one calculation run."""

    factor_set: FactorSet
    year: int
    airports: Mapping[str, AirportLike] = field(default_factory=dict)
    stations: Mapping[tuple[str, str], StationLike] = field(default_factory=dict)
    power: Mapping[tuple[str, str], PowerClassLike] = field(default_factory=dict)
    fx: Mapping[tuple[int, str], Decimal] = field(default_factory=dict)
    hicp: Mapping[int, Decimal] = field(default_factory=dict)
    rooms: Mapping[tuple[str, str], RoomRef] = field(default_factory=dict)
    facilities: Mapping[str, FacilityRef] = field(default_factory=dict)
    working_days: int = DEFAULT_WORKING_DAYS
    default_equipment_hours: tuple[Decimal, Decimal] = DEFAULT_EQUIPMENT_HOURS
    memo: dict[object, object] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        factor_set: FactorSet,
        year: int,
        *,
        airports: Mapping[str, AirportLike] | None = None,
        stations: Iterable[StationLike] = (),
        power_table: Iterable[PowerClassLike] = (),
        fx: Mapping[tuple[int, str], Decimal] | None = None,
        hicp: Mapping[int, Decimal] | None = None,
        rooms: Iterable[RoomRef] = (),
        facilities: Iterable[FacilityRef] = (),
        working_days: int = DEFAULT_WORKING_DAYS,
    ) -> CalcContext:
        """Index reference lists as the calculators look them up."""
        station_index: dict[tuple[str, str], StationLike] = {}
        for s in stations:
            station_index.setdefault(station_key(s.name, s.country), s)
        power_index: dict[tuple[str, str], PowerClassLike] = {}
        for p in power_table:
            power_index.setdefault((p.cls.casefold(), (p.subclass or "").casefold()), p)
            power_index.setdefault((p.cls.casefold(), ""), p)
        return cls(
            factor_set=factor_set,
            year=year,
            airports=dict(airports or {}),
            stations=station_index,
            power=power_index,
            fx=dict(fx or {}),
            hicp=dict(hicp or {}),
            rooms={(r.building, r.room): r for r in rooms},
            facilities={f.name: f for f in facilities},
            working_days=working_days,
        )

    @property
    def version(self) -> str:
        return self.factor_set.version
