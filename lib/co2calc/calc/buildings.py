"""Rooms (energy uses and construction) and fuel combustion (product spec §4.3).

Rooms: for each use u in heating, cooling, ventilation, lighting
``kWh(u) = surface × kWh/m²(building, room type, u) × share`` and
``kg = kWh × carrier factor``; heating uses the room's heating carrier (scope 1
if the fuel is burnt on site, 2 for district heat/electricity), the other uses
electricity (scope 2). Construction (an estimate, §4.9) is computed for every
room: ``kg = surface × share × kg/m²·yr`` per works category.

Factor keys:

* ``buildings/intensity``: ``<building>:<room type>:<use>``, fallback
  ``*:<room type>:<use>`` (kWh/m2);
* ``energy/carrier``: ``<carrier>:<building>``, fallback ``<carrier>`` (kg/kWh);
  on-site fuels also fall back to ``buildings/combustion`` ``<fuel>:kWh``;
* ``buildings/construction``: ``<building>:<category>``, fallback ``*:<category>`` (kg/m2/yr);
* ``buildings/combustion``: ``<fuel>:<unit>`` (kg/kWh, kg/L, kg/kg, kg/m3).

The intensity's uncertainty is the activity uncertainty of the energy row; the
carrier factor is the row's factor (shared, hence correlated, across rooms).
"""

from __future__ import annotations

from co2calc.calc.context import CalcContext
from co2calc.calc.entries.buildings import CombustionEntry, RoomEntry
from co2calc.calc.result import EmissionRow, FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES, WORKS_CATEGORIES
from co2calc.factors.model import Factor

__all__ = ["ONSITE_CARRIERS", "ROOM_USES", "compute_combustion", "compute_room"]

ROOM_USES: tuple[str, ...] = ("heating", "cooling", "ventilation", "lighting")
ONSITE_CARRIERS: frozenset[str] = frozenset(
    {"natural_gas", "heating_oil", "biomethane", "wood_pellets", "wood_chips", "wood_logs"}
)
_USE_LEAF = {u: LEAVES[f"buildings.{u}"] for u in ROOM_USES[1:]}
_HEAT_ONSITE = LEAVES["buildings.heating.onsite"]
_HEAT_PURCHASED = LEAVES["buildings.heating.purchased"]
_CONSTRUCTION = {c: LEAVES[f"buildings.construction.{c}"] for c in WORKS_CATEGORIES}
_COMBUSTION = LEAVES["buildings.combustion"]


def _carrier(ctx: CalcContext, carrier: str, building: str) -> Factor | None:
    fs = ctx.factor_set
    return (
        fs.get("energy", "carrier", f"{carrier}:{building}")
        or fs.get("energy", "carrier", carrier)
        or fs.get("buildings", "combustion", f"{carrier}:kWh")
    )


def compute_room(entry: RoomEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    ref = ctx.rooms.get((entry.building, entry.room))
    if ref is None:
        return Result.flagged(
            FlagReason.MISSING_ROOM, f"room {entry.building} {entry.room} not in the room list"
        )
    fs, version = ctx.factor_set, ctx.factor_set.version
    room_type = entry.room_type or ref.room_type
    area = ref.surface_m2 * entry.share
    if tr is not None:
        tr.step("surface", ref.surface_m2, "m2")
        tr.step("allocation share", entry.share)
        tr.step("allocated surface", area, "m2")
    rows: list[EmissionRow] = []
    for use in ROOM_USES:
        intensity = fs.get("buildings", "intensity", f"{entry.building}:{room_type}:{use}") or (
            fs.get("buildings", "intensity", f"*:{room_type}:{use}")
        )
        if intensity is None:
            return Result.flagged(
                FlagReason.NO_MATCHING_FACTOR, f"no {use} intensity for room type {room_type}"
            )
        carrier_name = ref.heating_carrier if use == "heating" else "electricity"
        carrier = _carrier(ctx, carrier_name, entry.building)
        if carrier is None:
            return Result.flagged(
                FlagReason.NO_MATCHING_FACTOR, f"no energy factor for carrier {carrier_name}"
            )
        kwh = area * intensity.value
        kg = kwh * carrier.effective_value
        if use == "heating":
            lf = _HEAT_ONSITE if carrier_name in ONSITE_CARRIERS else _HEAT_PURCHASED
        else:
            lf = _USE_LEAF[use]
        rows.append(
            make_row(
                lf,
                kg,
                carrier.factor_id,
                version,
                kwh,
                "kWh",
                float(carrier.uncertainty),
                float(intensity.uncertainty),
            )
        )
        if tr is not None:
            tr.factor(f"{use} intensity", intensity)
            tr.factor(f"{use} carrier {carrier_name}", carrier)
            tr.step(f"{use} energy", kwh, "kWh")
            tr.step(f"{use} emissions", kg, "kg CO2e")
    for category in WORKS_CATEGORIES:
        factor = fs.get("buildings", "construction", f"{entry.building}:{category}") or (
            fs.get("buildings", "construction", f"*:{category}")
        )
        if factor is None:
            return Result.flagged(
                FlagReason.NO_MATCHING_FACTOR, f"no construction factor for {category}"
            )
        kg = area * factor.value
        rows.append(
            make_row(
                _CONSTRUCTION[category],
                kg,
                factor.factor_id,
                version,
                area,
                "m2·yr",
                float(factor.uncertainty),
            )
        )
        if tr is not None:
            tr.factor(f"construction {category}", factor)
            tr.step(f"construction {category} (surface × share × factor)", kg, "kg CO2e")
    return Result(tuple(rows))


def compute_combustion(entry: CombustionEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    fs = ctx.factor_set
    factor = fs.get("buildings", "combustion", f"{entry.fuel}:{entry.unit}")
    if factor is None:
        units = sorted(
            f.key.partition(":")[2]
            for f in fs.select("buildings", "combustion")
            if f.key.partition(":")[0] == entry.fuel
        )
        if units:
            return Result.flagged(
                FlagReason.UNIT_MISMATCH,
                f"{entry.fuel} is given in {', '.join(units)}, not {entry.unit}",
            )
        return Result.flagged(FlagReason.NO_MATCHING_FACTOR, f"no factor for fuel {entry.fuel}")
    kg = entry.quantity * factor.effective_value
    if tr is not None:
        tr.factor("fuel factor", factor)
        tr.step("emissions", kg, "kg CO2e")
    return Result(
        (
            make_row(
                _COMBUSTION,
                kg,
                factor.factor_id,
                fs.version,
                entry.quantity,
                str(entry.unit),
                float(factor.uncertainty),
                0.02,
            ),
        )
    )
