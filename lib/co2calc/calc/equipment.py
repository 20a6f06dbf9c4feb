"""Equipment electricity (product spec §4.4).

``kWh/yr = (active W × active h/week + standby W × standby h/week) × 52 / 1000``;
``kg = kWh × energy/carrier electricity``. Power comes from the power table by
(class, sub-class), falling back to the class alone; hours left empty use the
context's defaults and raise the activity uncertainty.
"""

from __future__ import annotations

from decimal import Decimal

from co2calc.calc.context import CalcContext
from co2calc.calc.entries.equipment import EquipmentEntry
from co2calc.calc.result import FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES

__all__ = ["compute_equipment"]

WEEKS = Decimal(52)
_THOUSAND = Decimal(1000)
MEASURED_HOURS_UNC = 0.2  # power-table averages vs the actual device
DEFAULT_HOURS_UNC = 0.5


def compute_equipment(
    entry: EquipmentEntry, ctx: CalcContext, tr: Trace | None = None, *, submodule: str = "other"
) -> Result:
    power = ctx.power.get((entry.cls.casefold(), (entry.subclass or "").casefold())) or (
        ctx.power.get((entry.cls.casefold(), ""))
    )
    if power is None:
        return Result.flagged(
            FlagReason.UNKNOWN_EQUIPMENT_CLASS,
            f"class {entry.cls!r} / {entry.subclass!r} not in the power table",
        )
    elec = ctx.factor_set.get("energy", "carrier", "electricity")
    if elec is None:
        return Result.flagged(FlagReason.NO_MATCHING_FACTOR, "no electricity factor")
    d_active, d_standby = ctx.default_equipment_hours
    defaulted = entry.active_hours_week is None or entry.standby_hours_week is None
    active_h = d_active if entry.active_hours_week is None else entry.active_hours_week
    standby_h = d_standby if entry.standby_hours_week is None else entry.standby_hours_week
    if entry.active_hours_week is None and entry.standby_hours_week is not None:
        standby_h = entry.standby_hours_week
        active_h = min(d_active, 168 - standby_h)
    elif entry.standby_hours_week is None and entry.active_hours_week is not None:
        standby_h = 168 - active_h
    wh_week = Decimal(power.active_w) * active_h + Decimal(power.standby_w) * standby_h
    kwh = wh_week * WEEKS / _THOUSAND
    kg = kwh * elec.effective_value
    if tr is not None:
        tr.step("active power", power.active_w, "W")
        tr.step("standby power", power.standby_w, "W")
        tr.step(
            "active hours/week", active_h, "h", "default" if entry.active_hours_week is None else ""
        )
        tr.step("standby hours/week", standby_h, "h")
        tr.step("energy per year", kwh, "kWh")
        tr.factor("electricity", elec)
        tr.step("emissions", kg, "kg CO2e")
    unc = DEFAULT_HOURS_UNC if defaulted else MEASURED_HOURS_UNC
    row = make_row(
        LEAVES[f"equipment.{submodule}"],
        kg,
        elec.factor_id,
        ctx.factor_set.version,
        kwh,
        "kWh",
        float(elec.uncertainty),
        unc,
    )
    return Result((row,))
