"""Headcount: per-FTE additional categories (product spec §4.1, §4.9).

Headcount has no emissions of its own; each member's FTE (staff) and the
students' FTE drive estimated commuting, food and waste:
``kg = FTE × quantity per FTE × kg per quantity`` with ``headcount/additional``
keys ``<category>:<population>:activity`` (e.g. pkm/FTE) and
``<category>:<population>:factor`` (e.g. kg/pkm), population ``staff`` or
``students``. The per-FTE quantity's uncertainty is the activity uncertainty.
"""

from __future__ import annotations

from co2calc.calc.context import CalcContext
from co2calc.calc.entries.headcount import MemberEntry, StudentsEntry
from co2calc.calc.result import EmissionRow, FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES

__all__ = ["ADDITIONAL_CATEGORIES", "compute_member", "compute_students", "per_fte_rows"]

ADDITIONAL_CATEGORIES: tuple[str, ...] = ("commuting", "food", "waste")


def per_fte_rows(ctx: CalcContext, fte: object, population: str, tr: Trace | None) -> Result:
    fs = ctx.factor_set
    rows: list[EmissionRow] = []
    for cat in ADDITIONAL_CATEGORIES:
        activity = fs.get("headcount", "additional", f"{cat}:{population}:activity")
        factor = fs.get("headcount", "additional", f"{cat}:{population}:factor")
        if activity is None or factor is None:
            return Result.flagged(
                FlagReason.NO_MATCHING_FACTOR, f"no per-FTE {cat} factors for {population}"
            )
        quantity = fte * activity.value  # type: ignore[operator]
        kg = quantity * factor.effective_value
        unit = activity.unit.partition("/")[0]
        rows.append(
            make_row(
                LEAVES[f"additional.{cat}.{population}"],
                kg,
                factor.factor_id,
                fs.version,
                quantity,
                unit,
                float(factor.uncertainty),
                float(activity.uncertainty),
            )
        )
        if tr is not None:
            tr.factor(f"{cat} quantity per FTE", activity)
            tr.factor(f"{cat} factor", factor)
            tr.step(f"{cat} quantity", quantity, unit)
            tr.step(f"{cat} emissions", kg, "kg CO2e")
    return Result(tuple(rows))


def compute_member(entry: MemberEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    if tr is not None:
        tr.step("FTE", entry.fte)
    return per_fte_rows(ctx, entry.fte, "staff", tr)


def compute_students(entry: StudentsEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    if tr is not None:
        tr.step("student FTE", entry.fte)
    return per_fte_rows(ctx, entry.fte, "students", tr)
