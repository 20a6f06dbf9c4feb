"""Process and fugitive gases (product spec §4.7).

``kg CO2e = kg emitted × GWP100``; the GWP rows are ``process-emissions/gwp``
keyed ``<set>:<gas>`` and the set (AR5, AR6) is the factor set's ``gwp_set``,
so switching sets is a data change. Gas names match case-insensitively.
"""

from __future__ import annotations

from co2calc.calc.context import CalcContext
from co2calc.calc.entries.process import GasEntry
from co2calc.calc.result import FlagReason, Result
from co2calc.calc.rows import make_row
from co2calc.calc.trace import Trace
from co2calc.calc.tree import LEAVES
from co2calc.factors.model import Factor

__all__ = ["compute_gas"]

_GAS = LEAVES["process-emissions.gas"]
GAS_ACTIVITY_UNC = 0.1  # refill-based leak estimates


def _gwp_index(ctx: CalcContext) -> dict[str, Factor]:
    index = ctx.memo.get("gwp.index")
    if index is None:
        prefix = f"{ctx.factor_set.gwp_set}:"
        index = {
            f.key.removeprefix(prefix).casefold(): f
            for f in ctx.factor_set.select("process-emissions", "gwp")
            if f.key.startswith(prefix)
        }
        ctx.memo["gwp.index"] = index
    return index  # type: ignore[return-value]


def compute_gas(entry: GasEntry, ctx: CalcContext, tr: Trace | None = None) -> Result:
    factor = _gwp_index(ctx).get(entry.gas.strip().casefold())
    if factor is None:
        return Result.flagged(
            FlagReason.NO_MATCHING_FACTOR, f"no {ctx.factor_set.gwp_set} GWP100 for {entry.gas}"
        )
    kg = entry.kg_emitted * factor.value
    if tr is not None:
        tr.factor(f"GWP100 ({ctx.factor_set.gwp_set})", factor)
        tr.step("emissions", kg, "kg CO2e")
    return Result(
        (
            make_row(
                _GAS,
                kg,
                factor.factor_id,
                ctx.factor_set.version,
                entry.kg_emitted,
                "kg",
                float(factor.uncertainty),
                GAS_ACTIVITY_UNC,
            ),
        )
    )
