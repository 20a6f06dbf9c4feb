"""Year-over-year change explained by activity, factor and headcount (product spec §7).

Method (exact, additive). Rows are grouped per *activity line*
``k = (module, submodule, leaf, factor_id, quantity unit)``; for each line
``E`` is its kg CO2e, ``Q`` its physical quantity (km, kWh, EUR…) and
``I = E / Q`` its factor intensity. With ``0`` the previous year, ``1`` the
current one, and ``H`` the unit's FTE (members + students)::

    factor effect     F_k = Q1 · (I1 − I0)          (same activity, new intensity)
    headcount effect  H_k = (H1 / H0 − 1) · E0      (activity per FTE held constant)
    activity effect   A_k = ΔE_k − F_k − H_k        = (Q1 − Q0) · I0 − H_k

so ``A + F + H = ΔE`` line by line, hence in every aggregate. A line present
in one year only (``Q0 = 0`` or ``Q1 = 0``) has no comparable intensity: its
whole change is activity (minus its headcount share). Without FTE in either
year the headcount effect is 0. This is a chained Laspeyres split (activity at
old intensity first, then the intensity change on the new activity); the
headcount part splits the activity effect into "more people" and "more
activity per person". Amounts are summed per submodule and rounded to grams
there, with the residual kept in the activity effect, so the three effects
always sum exactly to the change; the per-module and overall figures are sums
of the rounded submodule figures, so they add up exactly too.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from co2calc.calc.result import EmissionRow

__all__ = ["METHOD", "decompose"]

METHOD = (
    "Per activity line (module, submodule, leaf, factor, unit): factor effect = new quantity ×"
    " (new − old kg per unit); headcount effect = (new FTE / old FTE − 1) × old kg; activity"
    " effect = change − factor − headcount effect (= Δquantity × old intensity − headcount"
    " effect). Lines present in one year only count as activity. Effects sum exactly to the"
    " change."
)

_G = Decimal("0.001")
_Key = tuple[str, str, str, str, str]


def _lines(rows: Iterable[EmissionRow]) -> dict[_Key, list[Decimal]]:
    out: dict[_Key, list[Decimal]] = {}
    for r in rows:
        k = (r.module, r.submodule, r.leaf, r.factor_id, r.quantity_unit)
        acc = out.setdefault(k, [Decimal(0), Decimal(0)])
        acc[0] += r.kg
        acc[1] += r.quantity
    return out


def decompose(
    previous: Iterable[EmissionRow],
    current: Iterable[EmissionRow],
    *,
    fte_previous: Decimal,
    fte_current: Decimal,
) -> dict[str, Any]:
    """Total change and its activity / factor / headcount effects, overall, per module and per
    submodule. Each submodule's amounts are rounded to grams once; the module and overall
    figures are sums of those, so every level adds up exactly (effects to the change,
    submodules to their module, modules to the total)."""
    old, new = _lines(previous), _lines(current)
    scale = fte_current / fte_previous - 1 if fte_previous > 0 and fte_current > 0 else Decimal(0)
    subs: dict[tuple[str, str], dict[str, Decimal]] = {}
    for k in sorted(set(old) | set(new)):
        e0, q0 = old.get(k, (Decimal(0), Decimal(0)))
        e1, q1 = new.get(k, (Decimal(0), Decimal(0)))
        factor = q1 * (e1 / q1 - e0 / q0) if q0 > 0 and q1 > 0 else Decimal(0)
        head = scale * e0
        s = subs.setdefault(
            k[:2],
            {n: Decimal(0) for n in ("previous", "current", "factor", "headcount")},
        )
        s["previous"] += e0
        s["current"] += e1
        s["factor"] += factor
        s["headcount"] += head
    names = ("previous", "current", "change", "activity", "factor", "headcount")
    by_sub: list[dict[str, Any]] = []
    by_mod: dict[str, dict[str, Any]] = {}
    tot = dict.fromkeys(names, Decimal(0))
    for (module, submodule), s in sorted(subs.items()):
        previous, current = s["previous"].quantize(_G), s["current"].quantize(_G)
        change = current - previous
        factor = s["factor"].quantize(_G)
        head = s["headcount"].quantize(_G)
        item = {
            "module": module,
            "submodule": submodule,
            "previous_kg": previous,
            "current_kg": current,
            "change_kg": change,
            "activity_kg": change - factor - head,
            "factor_kg": factor,
            "headcount_kg": head,
        }
        by_sub.append(item)
        mod = by_mod.setdefault(module, {"module": module} | {f"{n}_kg": Decimal(0) for n in names})
        for n in names:
            tot[n] += item[f"{n}_kg"]
            mod[f"{n}_kg"] += item[f"{n}_kg"]
    return {
        "previous_kg": tot["previous"],
        "current_kg": tot["current"],
        "change_kg": tot["change"],
        "change_pct": float(tot["change"] / tot["previous"] * 100) if tot["previous"] else None,
        "activity_kg": tot["activity"],
        "factor_kg": tot["factor"],
        "headcount_kg": tot["headcount"],
        "fte_previous": fte_previous,
        "fte_current": fte_current,
        "by_module": list(by_mod.values()),
        "by_submodule": by_sub,
        "method": METHOD,
    }
