"""Factor sets in the database, and the calculation context built from them.

``calc_context(conn, year)`` gives the engine everything it needs for one
reporting year: the year's active factor set (the shipped default when none
was loaded), airports, stations, the power table, FX, HICP, rooms and
research facilities. Contexts are cached per process and rebuilt when the
year's factor set or the database reference data change.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import TYPE_CHECKING

from co2calc.calc import CalcContext
from co2calc.calc.context import FacilityRef, RoomRef
from co2calc.db import factorstore as sql
from co2calc.factors import (
    FactorSet,
    FactorSetNotFoundError,
    factor_row,
    load_shipped_factor_set,
    parse_factor_rows,
)

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = ["active_factor_set", "calc_context", "store_factor_set"]

_lock = threading.Lock()
_contexts: dict[int, tuple[tuple, CalcContext]] = {}


def store_factor_set(
    conn: Connection,
    fs: FactorSet,
    *,
    source_name: str = "",
    loaded_by: int | None = None,
    activate: bool = True,
) -> int:
    """Store a validated set as a new version of its year (activating it by default)."""
    return sql.insert_set(
        conn,
        year=fs.year,
        version=fs.version,
        gwp_set=fs.gwp_set,
        source_name=source_name,
        rows=[factor_row(f) for f in fs.factors],
        loaded_by=loaded_by,
        activate=activate,
    )


def active_factor_set(conn: Connection, year: int) -> FactorSet:
    """The year's active stored set, else the shipped default of that year."""
    row = sql.active_set(conn, year)
    if row is None:
        return load_shipped_factor_set(year)
    return parse_factor_rows(
        sql.factor_rows(conn, row["id"]), version=row["version"], year=year, gwp_set=row["gwp_set"]
    )


def _fx(conn: Connection) -> dict[tuple[int, str], Decimal]:
    """Packaged ECB rates, overridden by the refreshed ones stored in the database."""
    from co2calc import refdata

    fx = refdata.load_fx_rates()
    fx.update({(r["year"], r["currency"]): r["units_per_eur"] for r in sql.fx_rates(conn)})
    return fx


def _hicp(conn: Connection) -> dict[int, Decimal]:
    """Refreshed HICP where stored; packaged years it lacks are rebased onto its base.

    The source may publish on another base (Eurostat moved to 2025 = 100); only
    ratios matter for deflation, so packaged values are scaled by the ratio at
    the latest year both have (taken as the same base when none is shared).
    """
    from co2calc import refdata

    packaged = refdata.load_hicp()
    stored = {r["year"]: r["index"] for r in sql.hicp_values(conn)}
    if not stored:
        return packaged
    common = sorted(set(stored) & set(packaged))
    scale = stored[common[-1]] / packaged[common[-1]] if common else Decimal(1)
    merged = dict(stored)
    for y, v in packaged.items():
        merged.setdefault(y, v if scale == 1 else v * scale)
    return merged


def calc_context(conn: Connection, year: int, *, stamp: tuple | None = None) -> CalcContext:
    """``stamp``: the year's ``reference_stamp`` when the caller has just read it."""
    from co2calc import refdata

    if stamp is None:
        stamp = sql.reference_stamp(conn, year)
    cached = _contexts.get(year)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        factor_set = active_factor_set(conn, year)
    except FactorSetNotFoundError:
        factor_set = FactorSet.of(f"{year}.empty", year, "AR5", ())
    rooms = [
        RoomRef(r["building"], r["room"], r["surface_m2"], r["room_type"], r["heating_carrier"])
        for r in sql.rooms(conn)
    ]
    facilities = [
        FacilityRef(
            f["name"],
            f["total_use"],
            f["use_unit"],
            {k: Decimal(str(v)) for k, v in f["footprint_kg"].items()},
            f["uncertainty"],
            str(f["updated_at"]),
        )
        for f in sql.facilities(conn, year)
    ]
    ctx = CalcContext.build(
        factor_set,
        year,
        airports=refdata.load_airports(),
        stations=refdata.load_stations(),
        power_table=refdata.load_power_table(),
        fx=_fx(conn),
        hicp=_hicp(conn),
        rooms=rooms,
        facilities=facilities,
    )
    with _lock:
        _contexts[year] = (stamp, ctx)
    return ctx
