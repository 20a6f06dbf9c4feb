"""Rooms, construction and fuel combustion (product spec §4.3)."""

from __future__ import annotations

from decimal import Decimal as D

from co2calc.calc import FlagReason, compute
from co2calc.calc.entries import CombustionEntry, RoomEntry


def _by_leaf(result) -> dict[str, object]:
    return {r.leaf: r for r in result.rows}


def test_office_room_hand_computed(ctx) -> None:
    # 20 m2 office × share 0.5 = 10 m2; shipped intensities (illustrative) office
    # heating 60, cooling 10, ventilation 15, lighting 15 kWh/m2; district heat 0.10,
    # electricity 0.097 kg/kWh (BAFU 2025, spec §4.3)
    rows = _by_leaf(
        compute("buildings", "rooms", RoomEntry(building="BC", room="BC 410", share=D("0.5")), ctx)
    )
    assert rows["buildings.heating.purchased"].kg == D(600) * D("0.10")
    assert rows["buildings.heating.purchased"].scope == 2
    assert rows["buildings.cooling"].kg == D(100) * D("0.097")
    assert rows["buildings.ventilation"].kg == D(150) * D("0.097")
    assert rows["buildings.lighting"].quantity == D(150)


def test_onsite_gas_heating_is_scope_1(ctx) -> None:
    # 50 m2 laboratory, heating 150 kWh/m2 with natural gas 0.24 kg/kWh (Labos 1point5)
    rows = _by_leaf(compute("buildings", "rooms", RoomEntry(building="CH", room="CH A1 234"), ctx))
    heat = rows["buildings.heating.onsite"]
    assert (heat.scope, heat.kg) == (1, D(7500) * D("0.24"))


def test_construction_uses_allocation_share(ctx) -> None:
    # regression: construction = surface × share × kg/m2·yr; 20 m2 × 0.25 = 5 m2 and
    # shipped defaults 5.0 + 3.0 + 1.5 + 1.5 + 0.3 = 11.3 kg/m2·yr → 56.5 kg
    result = compute(
        "buildings", "rooms", RoomEntry(building="BC", room="BC 410", share=D("0.25")), ctx
    )
    construction = [r for r in result.rows if r.leaf.startswith("buildings.construction")]
    assert len(construction) == 5 and all(r.estimate and r.scope == 3 for r in construction)
    assert sum(r.kg for r in construction) == D("56.5")
    assert {r.quantity for r in construction} == {D(5)}


def test_missing_room_flagged(ctx) -> None:
    result = compute("buildings", "rooms", RoomEntry(building="XX", room="1"), ctx)
    assert result.flag.reason is FlagReason.MISSING_ROOM and not result.rows


def test_combustion_fuels(ctx) -> None:
    # natural gas 0.24 /kWh; heating oil 0.3243 kg/kWh × 10 kWh/L = 3.243 kg/L (derived row)
    gas = compute(
        "buildings",
        "combustion",
        CombustionEntry(fuel="natural_gas", unit="kWh", quantity=D(1000)),
        ctx,
    )
    assert gas.rows[0].kg == D(240) and gas.rows[0].scope == 1
    oil = compute(
        "buildings",
        "combustion",
        CombustionEntry(fuel="heating_oil", unit="L", quantity=D(100)),
        ctx,
    )
    assert oil.rows[0].kg == D("324.3")


def test_combustion_unit_mismatch_and_unknown(ctx) -> None:
    wrong = compute(
        "buildings",
        "combustion",
        CombustionEntry(fuel="wood_pellets", unit="L", quantity=D(1)),
        ctx,
    )
    assert wrong.flag.reason is FlagReason.UNIT_MISMATCH
    unknown = compute(
        "buildings", "combustion", CombustionEntry(fuel="coal", unit="kg", quantity=D(1)), ctx
    )
    assert unknown.flag.reason is FlagReason.NO_MATCHING_FACTOR
