"""Physical plausibility bounds for factor values (product spec §5).

A factor upload must not carry impossible numbers: a grid mix above
1.5 kg/kWh, a liquid fuel above 4 kg/L, a flight above 1 kg/pkm, any negative
value. Bounds are looked up most specific first: (module, submodule, unit),
then (module, unit), then unit alone; a unit absent from :data:`UNIT_MAX` is
rejected as unknown.
"""

from __future__ import annotations

from decimal import Decimal

from co2calc.factors.money import CURRENCIES

__all__ = ["MONEY_UNITS", "UNIT_MAX", "check_value", "max_for"]

D = Decimal

MONEY_UNITS: frozenset[str] = frozenset(f"kg/{c}" for c in CURRENCIES)
"""kg CO2e per unit of money of the factor's base year (spend-based factors)."""

UNIT_MAX: dict[str, Decimal] = {
    "kg/pkm": D("1"),  # no passenger transport mode exceeds 1 kg per passenger-km
    "kg/km": D("2"),  # vehicle-km (a heavy van ~1 kg/km)
    "kg/kWh": D("1.5"),  # lignite power ~1.2 kg/kWh is the worst grid/fuel case
    "kg/L": D("4"),  # liquid fuels: diesel ~2.7-3.2 kg/L incl. upstream
    "kg/m3": D("5"),  # gaseous fuels: natural gas ~2.0-2.3 kg/m3
    "kg/kg": D("100"),  # solid fuels, materials, waste
    "kg/request": D("0.01"),  # a generative-AI request is well below 10 g
    "kWh/m2": D("1000"),  # annual energy intensity of one use, per m2 of floor
    "kg/m2/yr": D("200"),  # construction embodied carbon annualised
    "ratio": D("10"),  # cabin-class and similar multipliers
    "pkm/FTE": D("50000"),  # commuting distance per FTE and year
    "meal/FTE": D("1000"),
    "kg/FTE": D("5000"),  # waste per FTE and year
    "kg/meal": D("15"),
    **{u: D("10") for u in MONEY_UNITS},  # spend-based: 0.05-3 kg/EUR in practice
}

_SPECIFIC: dict[tuple[str, ...], Decimal] = {
    ("travel", "plane", "kg/pkm"): D("1"),
    ("travel", "train", "kg/pkm"): D("0.3"),
    ("energy", "carrier", "kg/kWh"): D("1.5"),
    ("buildings", "combustion", "kg/kWh"): D("0.5"),  # coal ~0.35 kg/kWh is the worst fuel
    ("buildings", "combustion", "kg/L"): D("4"),
    ("buildings", "combustion", "kg/kg"): D("4"),  # hard coal ~2.9-3.4 kg/kg
    ("purchases", "conversion", "kg/L"): D("25"),  # densities, not emission factors
    ("purchases", "conversion", "kg/m3"): D("25"),
    ("process-emissions", "gwp", "kg/kg"): D("50000"),  # SF6 AR6 = 25,200 is the largest
    ("travel", "plane", "ratio"): D("6"),
}


def max_for(module: str, submodule: str, unit: str) -> Decimal | None:
    """Upper bound for a value, or ``None`` when the unit is unknown."""
    return _SPECIFIC.get((module, submodule, unit), UNIT_MAX.get(unit))


def check_value(module: str, submodule: str, unit: str, value: Decimal) -> list[tuple[str, str]]:
    """Return (column, message) problems for one value; empty when plausible."""
    problems: list[tuple[str, str]] = []
    if not value.is_finite():
        return [("value", "must be a finite number")]
    if value < 0:
        problems.append(("value", f"negative value {value} is physically impossible"))
    limit = max_for(module, submodule, unit)
    if limit is None:
        problems.append(("unit", f"unknown unit {unit!r}"))
    elif value > limit:
        problems.append(
            (
                "value",
                f"{value} {unit} exceeds the plausible maximum {limit} for {module}/{submodule}",
            )
        )
    if unit == "ratio" and value == 0:
        problems.append(("value", "a ratio must be positive"))
    return problems
