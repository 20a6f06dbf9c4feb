"""Unit-year results from emission rows (product spec §7).

Intervals are :func:`co2calc.calc.summarise` / :func:`co2calc.calc.interval`:
rows sharing a ``factor_id`` are fully correlated, everything else
independent, lognormal 95 % interval (see :mod:`co2calc.calc.uncertainty`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import sqrt
from typing import Any

from co2calc.calc.aggregate import summarise
from co2calc.calc.result import EmissionRow
from co2calc.calc.uncertainty import Interval, interval

__all__ = [
    "CAR_KM_FACTOR",
    "PER_PERSON_REFERENCE_T",
    "CarFactor",
    "entry_label",
    "group_row",
    "interval_out",
    "results_body",
]

PER_PERSON_REFERENCE_T = Decimal(2)
"""Annual per-person budget compatible with the Paris agreement (spec §7: '2 t per person')."""


@dataclass(frozen=True, slots=True)
class CarFactor:
    kg_per_km: Decimal
    source: str


CAR_KM_FACTOR = CarFactor(
    Decimal("0.1864"),
    "mobitool v3.0, 'Personenkraftwagen' average size, average fuel, kg CO2e per passenger-km"
    " (as in pledge4future/co2calculator emission_factors_transport.csv; same source as the"
    " shipped train factors).",
)


def group_row(g: Mapping[str, Any]) -> EmissionRow:
    """One :class:`EmissionRow` standing for a group of stored rows (``emission_groups``).

    Its kg and quantity are the group's sums; its uncertainties are chosen so that
    :func:`co2calc.calc.uncertainty.variance` gives the group's exact contribution:
    ``u_f = Σ kg·u_f / K`` (the factor part, still correlated with every other row of the
    same factor) and ``u² = u_f² + Σ kg²·u_a² / K²`` (the activity part), with ``K = Σ kg``.
    ``kg >= 0`` (a table constraint), so ``K = 0`` means every row is 0 kg: no variance.
    """
    kg = Decimal(g["kg_co2e"])
    k = float(kg)
    u_f = g["kg_uf"] / k if k else 0.0
    u = sqrt(u_f * u_f + g["kg2_ua2"] / (k * k)) if k else 0.0
    return EmissionRow(
        kg,
        g["leaf"],
        int(g["scope"]),
        g["category"],
        g["module"],
        g["submodule"],
        g["factor_id"],
        g["factor_version"],
        Decimal(g["quantity"]),
        g["quantity_unit"],
        u,
        u_f,
        bool(g["estimate"]),
    )


_LABEL_KEYS = ("name", "item", "label", "description", "facility", "provider", "gas", "fuel")


def entry_label(module: str, submodule: str, data: Mapping[str, Any]) -> str:
    """A short human label for an entry (top items, exports)."""
    if module == "travel" and data.get("origin") and data.get("destination"):
        o, d = data["origin"], data["destination"]
        o = o.get("name", o) if isinstance(o, dict) else o
        d = d.get("name", d) if isinstance(d, dict) else d
        return f"{o} → {d}"
    if module == "buildings" and submodule == "rooms" and data.get("room"):
        return f"{data.get('building', '')} {data['room']}".strip()
    for k in _LABEL_KEYS:
        v = data.get(k)
        if isinstance(v, str) and v:
            return v
    return f"{module}/{submodule}"


def _t(kg: Decimal) -> Decimal:
    return (kg / 1000).quantize(Decimal("0.001"))


def interval_out(iv: Interval) -> dict[str, Any]:
    return {
        "kg": iv.total,
        "t": _t(iv.total),
        "low_kg": round(iv.low, 3),
        "high_kg": round(iv.high, 3),
        "sd_kg": round(iv.sd, 3),
        "method": iv.method,
    }


def results_body(
    rows: Sequence[EmissionRow],
    *,
    include_estimates: bool,
    fte: Decimal,
    car: CarFactor = CAR_KM_FACTOR,
) -> dict[str, Any]:
    """Totals, per FTE, breakdowns, estimates and equivalents (a dict for the response model)."""
    s = summarise(rows, include_estimates=include_estimates)
    total = s.total.total
    estimates = [r for r in rows if r.estimate]
    all_kg = sum((r.kg for r in rows), Decimal(0))
    est_kg = sum((r.kg for r in estimates), Decimal(0))
    per_fte = None
    if fte > 0:
        kg_fte = total / fte
        per_fte = {
            "fte": fte,
            "kg": kg_fte.quantize(Decimal("0.001")),
            "t": _t(kg_fte),
            "reference_t": PER_PERSON_REFERENCE_T,
            "ratio_to_reference": float(kg_fte / 1000 / PER_PERSON_REFERENCE_T),
        }
    est_by_leaf: dict[str, list[EmissionRow]] = {}
    for r in estimates:
        est_by_leaf.setdefault(r.leaf, []).append(r)
    return {
        "include_estimates": include_estimates,
        "total": interval_out(s.total),
        "per_fte": per_fte,
        "by_scope": [{"key": str(k), **interval_out(v)} for k, v in s.by_scope.items()],
        "by_module": [{"key": k, **interval_out(v)} for k, v in s.by_module.items()],
        "by_submodule": [
            {"key": f"{m}/{sub}", "module": m, "submodule": sub, **interval_out(v)}
            for (m, sub), v in s.by_submodule.items()
        ],
        "estimates": {
            "kg": est_kg,
            "included_in_total": include_estimates,
            "total": interval_out(interval(estimates)),
            "share_of_total": float(est_kg / all_kg) if all_kg else 0.0,
            "by_leaf": [{"key": k, **interval_out(interval(v))} for k, v in est_by_leaf.items()],
        },
        "car_km": {
            "km": (total / car.kg_per_km).quantize(Decimal(1)),
            "kg_per_km": car.kg_per_km,
            "source": car.source,
        },
    }
