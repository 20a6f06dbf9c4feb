"""Equipment electricity (product spec §4.4)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from co2calc.calc import FlagReason, compute
from co2calc.calc.entries import EquipmentEntry


def test_spec_worked_example_440_kwh(ctx) -> None:
    # product spec §4.4: 440 kWh × 0.097 = 42.7 kg. Power chosen so that
    # W × 100 h/week × 52 / 1000 = 440 kWh.
    power = next(iter(ctx.power.values()))
    ctx.power = {
        ("probe", ""): replace(
            power, cls="probe", subclass=None, active_w=D(440000) / D(5200), standby_w=D(0)
        )
    }
    entry = EquipmentEntry(
        inventory_id="1",
        name="probe",
        cls="probe",
        active_hours_week=D(100),
        standby_hours_week=D(0),
    )
    (row,) = compute("equipment", "scientific", entry, ctx).rows
    assert row.quantity == pytest.approx(D(440), abs=D("1e-20"))
    assert round(row.kg, 1) == D("42.7")
    assert (row.scope, row.leaf, row.quantity_unit) == (2, "equipment.scientific", "kWh")


def test_laptop_hand_computed(ctx) -> None:
    # laptop 30/10 W (spec §4.4): (30×40 + 10×128) × 52 / 1000 = 128.96 kWh × 0.097
    entry = EquipmentEntry(
        inventory_id="L1",
        name="laptop",
        cls="laptop",
        active_hours_week=D(40),
        standby_hours_week=D(128),
    )
    (row,) = compute("equipment", "it", entry, ctx).rows
    assert row.kg == D("128.96") * D("0.097")


def test_default_hours_and_subclass(ctx) -> None:
    # −80 °C freezer 480/480 W, default 40 + 128 h: 480 × 168 × 52 / 1000 = 4193.28 kWh
    entry = EquipmentEntry(inventory_id="F1", name="freezer", cls="Freezer", subclass="-80 °C")
    (row,) = compute("equipment", "scientific", entry, ctx).rows
    assert row.quantity == D("4193.28")
    assert row.uncertainty > row.factor_uncertainty  # defaulted hours widen the interval


def test_unknown_class(ctx) -> None:
    entry = EquipmentEntry(inventory_id="X", name="x", cls="teleporter")
    assert compute("equipment", "other", entry, ctx).flag.reason is (
        FlagReason.UNKNOWN_EQUIPMENT_CLASS
    )
