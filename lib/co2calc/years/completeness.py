"""Is year Y ready to open? What is missing, per module (product spec §2 step 2).

Checks, each a :class:`~co2calc.models.years.CompletenessProblem`:

- a factor set for the year (stored, else the shipped default) — global;
- per module, factors of the factor modules it reads (e.g. buildings needs
  ``buildings`` and ``energy`` rows), and — for a stored set — the match keys
  the shipped default has but the set lacks (a warning: a set may drop keys);
- reference data: airports and stations (travel), rooms and their heating
  carriers' factors (buildings), the power table (equipment), ECB rates and
  HICP for the year and the money factors' base years (purchases), the
  year's facility table (research facilities);
- entries that compute to nothing: every flagged entry (up to
  :data:`REEVALUATE_LIMIT`) is computed again with today's factors and
  reference data, so a fixed factor set clears its flags before the
  recalculation has run; flags the administrator can fix (no matching factor,
  missing room, rate…) block opening, flags only the unit can fix (unknown
  airport…) are warnings.

A problem is *blocking* when it stops the year from opening; reference data
that a module reads only blocks when the year already has entries of that
module, except FX and HICP of the year, which every purchase needs.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from co2calc.db import factorstore as fs_sql
from co2calc.db import years as sql
from co2calc.models.years import (
    Completeness,
    CompletenessProblem,
    FactorSetRef,
    ModuleCompleteness,
)
from co2calc.modules import MODULES

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.factors import FactorSet

__all__ = ["ADMIN_FIXABLE", "MODULE_FACTORS", "REEVALUATE_LIMIT", "check"]

# Factor-set modules each report module reads.
MODULE_FACTORS: dict[str, tuple[str, ...]] = {
    "headcount": ("headcount",),
    "travel": ("travel",),
    "buildings": ("buildings", "energy"),
    "equipment": ("energy",),
    "purchases": ("purchases",),
    "cloud-ai": ("cloud-ai",),
    "process-emissions": ("process-emissions",),
    "research-facilities": (),
}
# Flag reasons fixed by loading factors or reference data (they block opening).
ADMIN_FIXABLE = frozenset(
    {
        "no_matching_factor",
        "missing_exchange_rate",
        "missing_room",
        "unknown_equipment_class",
        "unknown_facility",
        "facility_without_use",
    }
)
REEVALUATE_LIMIT = 5000
_SAMPLE = 20


def _factor_set(conn: Connection, year: int) -> tuple[FactorSet | None, str | None]:
    from co2calc.factors import FactorSetNotFoundError
    from co2calc.factorstore import active_factor_set

    stored = fs_sql.active_set(conn, year) is not None
    try:
        return active_factor_set(conn, year), "stored" if stored else "shipped"
    except FactorSetNotFoundError:
        return None, None


def _reference_set(year: int) -> FactorSet | None:
    """The shipped default closest to ``year`` (latest not after it, else the earliest)."""
    from co2calc.factors import load_shipped_factor_set, shipped_years

    years = shipped_years()
    if not years:
        return None
    before = [y for y in years if y <= year]
    return load_shipped_factor_set(before[-1] if before else years[0])


def _reevaluate(
    conn: Connection, year: int, has_set: bool
) -> tuple[Counter[tuple[str, str, str]], Counter[str]]:
    """Still-failing flags grouped (module, reason, detail), and flags now resolved per module."""
    from pydantic import ValidationError

    from co2calc.calc import compute, validate_entry
    from co2calc.factors import EngineError
    from co2calc.factorstore import calc_context

    failing: Counter[tuple[str, str, str]] = Counter()
    resolved: Counter[str] = Counter()
    rows = sql.flagged_entries(conn, year, REEVALUATE_LIMIT)
    ctx = calc_context(conn, year) if has_set else None
    for r in rows:
        if ctx is None:
            failing[r["module"], r["flag_reason"], r["flag_detail"] or ""] += 1
            continue
        try:
            entry = validate_entry(r["module"], r["submodule"], r["data"])
            result = compute(r["module"], r["submodule"], entry, ctx)
        except (ValidationError, EngineError) as exc:
            failing[r["module"], "invalid_entry", type(exc).__name__] += 1
            continue
        if result.flag is None:
            resolved[r["module"]] += 1
        else:
            failing[r["module"], result.flag.reason.value, result.flag.detail] += 1
    if len(rows) == REEVALUATE_LIMIT:  # the rest: as stored
        for g in sql.flag_groups(conn, year, rows[-1]["id"]):
            failing[g["module"], g["reason"], g["detail"] or ""] += g["n"]
    return failing, resolved


def _money_problems(
    conn: Connection, factor_set: FactorSet | None, year: int
) -> list[CompletenessProblem]:
    from co2calc.factors import CURRENCIES
    from co2calc.factorstore import calc_context

    ctx = calc_context(conn, year)  # packaged rates merged with the refreshed ones
    fx, hicp = ctx.fx, ctx.hicp
    out = []
    missing = sorted(c for c in CURRENCIES if c != "EUR" and (year, c) not in fx)
    if missing:
        out.append(
            CompletenessProblem(
                kind="fx_missing",
                message=f"No ECB annual exchange rate for {year}: {', '.join(missing)}.",
                blocking=True,
                count=len(missing),
                details=missing,
            )
        )
    need = {year}
    if factor_set is not None:
        need |= {f.base_year for f in factor_set.select("purchases") if f.base_year}
    no_hicp = sorted(y for y in need if y not in hicp)
    if no_hicp:
        out.append(
            CompletenessProblem(
                kind="hicp_missing",
                message="No euro-area HICP index for " + ", ".join(map(str, no_hicp)) + ".",
                blocking=True,
                count=len(no_hicp),
                details=[str(y) for y in no_hicp],
            )
        )
    return out


def _reference_problems(
    conn: Connection, module: str, year: int, factor_set: FactorSet | None, entries: int
) -> list[CompletenessProblem]:
    from co2calc import refdata

    has_entries = entries > 0
    out: list[CompletenessProblem] = []
    if module == "travel":
        if not refdata.load_airports():
            out.append(
                CompletenessProblem(
                    kind="no_airports", message="No airports.", blocking=has_entries
                )
            )
        if not refdata.load_stations():
            out.append(
                CompletenessProblem(
                    kind="no_stations", message="No stations.", blocking=has_entries
                )
            )
    elif module == "buildings":
        rooms, carriers = sql.room_carriers(conn)
        if rooms == 0:
            out.append(
                CompletenessProblem(
                    kind="no_rooms", message="The room list is empty.", blocking=has_entries
                )
            )
        n, sample = sql.building_rooms_missing(conn, year)
        if n:
            out.append(
                CompletenessProblem(
                    kind="rooms_missing",
                    message=f"{n} room(s) used by building entries are not in the room list.",
                    blocking=True,
                    count=n,
                    details=sample,
                )
            )
        if factor_set is not None:
            lacking = [
                c
                for c in carriers
                if factor_set.get("energy", "carrier", c) is None
                and factor_set.get("buildings", "combustion", f"{c}:kWh") is None
            ]
            if lacking:
                out.append(
                    CompletenessProblem(
                        kind="carrier_factor_missing",
                        message="No energy factor for the heating carrier(s) of some rooms.",
                        blocking=has_entries,
                        count=len(lacking),
                        details=lacking,
                    )
                )
    elif module == "equipment":
        if not refdata.load_power_table():
            out.append(
                CompletenessProblem(
                    kind="no_power_table", message="The power table is empty.", blocking=has_entries
                )
            )
    elif module == "purchases":
        out += _money_problems(conn, factor_set, year)
    elif module == "research-facilities" and has_entries and sql.facility_count(conn, year) == 0:
        out.append(
            CompletenessProblem(
                kind="no_facilities",
                message=f"No research-facility usage table for {year}.",
                blocking=True,
            )
        )
    return out


def _factor_problems(
    module: str, factor_set: FactorSet, origin: str, reference: FactorSet | None
) -> list[CompletenessProblem]:
    out: list[CompletenessProblem] = []
    for fm in MODULE_FACTORS[module]:
        if next(factor_set.select(fm), None) is None:
            out.append(
                CompletenessProblem(
                    kind="no_factors",
                    message=f"The factor set has no '{fm}' factors.",
                    blocking=True,
                )
            )
    if origin == "stored" and reference is not None:
        have = factor_set.by_key()
        lacking = [
            f"{m}/{s}/{k}"
            for (m, s, k) in reference.by_key()
            if m in MODULE_FACTORS[module] and (m, s, k) not in have
        ]
        if lacking:
            out.append(
                CompletenessProblem(
                    kind="factor_keys_missing",
                    message=f"{len(lacking)} factor key(s) of the shipped default are not in "
                    f"the set (entries needing them would be flagged).",
                    blocking=False,
                    count=len(lacking),
                    details=lacking[:_SAMPLE],
                )
            )
    return out


def _flag_problems(
    module: str, failing: Counter[tuple[str, str, str]], resolved: int
) -> list[CompletenessProblem]:
    out: list[CompletenessProblem] = []
    groups = [(reason, detail, n) for (m, reason, detail), n in failing.items() if m == module]
    for blocking in (True, False):
        chosen = sorted(
            ((r, d, n) for r, d, n in groups if (r in ADMIN_FIXABLE) == blocking),
            key=lambda g: -g[2],
        )
        if not chosen:
            continue
        total = sum(n for _, _, n in chosen)
        out.append(
            CompletenessProblem(
                kind="flagged_entries" if blocking else "flagged_entries_data",
                message=f"{total} entr{'y' if total == 1 else 'ies'} compute to nothing"
                + (" (missing factors or reference data)." if blocking else " (entry data)."),
                blocking=blocking,
                count=total,
                details=[f"{r}: {d} ({n})" for r, d, n in chosen[:_SAMPLE]],
            )
        )
    if resolved:
        out.append(
            CompletenessProblem(
                kind="recalculation_pending",
                message=f"{resolved} flagged entr{'y' if resolved == 1 else 'ies'} compute "
                "with today's factors; run a recalculation.",
                blocking=False,
                count=resolved,
            )
        )
    return out


def check(conn: Connection, year: int, status: str) -> Completeness:
    """The completeness report of ``year`` (read-only; any transaction that sees all units)."""
    factor_set, origin = _factor_set(conn, year)
    problems: list[CompletenessProblem] = []
    if factor_set is None:
        problems.append(
            CompletenessProblem(
                kind="no_factor_set",
                message=f"No factor set for {year}: load one (no shipped default either).",
                blocking=True,
            )
        )
    reference = _reference_set(year) if factor_set is not None else None
    counts = sql.entry_counts(conn, year)
    failing, resolved = _reevaluate(conn, year, factor_set is not None)
    modules = []
    for module in MODULES:
        entries, flagged = counts.get(module, (0, 0))
        found: list[CompletenessProblem] = []
        if factor_set is not None and origin is not None:
            found += _factor_problems(module, factor_set, origin, reference)
        found += _reference_problems(conn, module, year, factor_set, entries)
        found += _flag_problems(module, failing, resolved[module])
        modules.append(
            ModuleCompleteness(
                module=module,
                entries=entries,
                flagged=flagged,
                still_flagged=sum(n for (m, _, _), n in failing.items() if m == module),
                ready=not any(p.blocking for p in found),
                problems=found,
            )
        )
    ready = not any(p.blocking for p in problems) and all(m.ready for m in modules)
    return Completeness(
        year=year,
        status=status,
        ready=ready,
        factor_set=None
        if factor_set is None
        else FactorSetRef(
            version=factor_set.version,
            origin=origin,
            row_count=len(factor_set),
            gwp_set=factor_set.gwp_set,
        ),
        problems=problems,
        modules=modules,
    )
