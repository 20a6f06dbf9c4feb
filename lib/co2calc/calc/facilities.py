"""Research facilities (product spec §4.8).

``kg = use / facility total use × facility footprint``. The footprint comes from
the facility unit's own report, split by source; an animal facility yields one
row per source (its per-source shares), a common facility one row for the
total. The "factor" of these rows is the facility footprint (id
``facility:<name>[:<source>]``), fully correlated across all its users.
"""

from __future__ import annotations

from decimal import Decimal

from co2calc.calc.context import CalcContext
from co2calc.calc.entries.facilities import FacilityUseEntry
from co2calc.calc.result import FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES

__all__ = ["compute_facility"]


def compute_facility(
    entry: FacilityUseEntry, ctx: CalcContext, tr: Trace | None = None, *, submodule: str = "common"
) -> Result:
    facility = ctx.facilities.get(entry.facility)
    if facility is None:
        return Result.flagged(FlagReason.UNKNOWN_FACILITY, f"unknown facility {entry.facility}")
    if facility.use_unit != entry.use_unit:
        return Result.flagged(
            FlagReason.UNIT_MISMATCH,
            f"{entry.facility} use is counted in {facility.use_unit}, not {entry.use_unit}",
        )
    if facility.total_use <= 0:
        return Result.flagged(
            FlagReason.FACILITY_WITHOUT_USE, f"{entry.facility} has no total use for the year"
        )
    share = entry.use / facility.total_use
    version = facility.footprint_version or ctx.factor_set.version
    leaf = LEAVES[f"research-facilities.{submodule}"]
    if submodule == "animal":
        parts = list(facility.footprint_kg.items())
    else:
        parts = [("total", sum(facility.footprint_kg.values(), Decimal(0)))]
    if tr is not None:
        tr.step("facility total use", facility.total_use, facility.use_unit)
        tr.step("share of use", share)
    rows = []
    for source, footprint in parts:
        kg = share * footprint
        fid = f"facility:{facility.name}" + ("" if source == "total" else f":{source}")
        rows.append(
            make_row(leaf, kg, fid, version, entry.use, facility.use_unit, facility.uncertainty)
        )
        if tr is not None:
            tr.step(f"footprint {source}", footprint, "kg CO2e")
            tr.step(f"emissions {source}", kg, "kg CO2e")
    return Result(tuple(rows))
