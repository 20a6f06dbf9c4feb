"""SQL for browsing factor sets, the room list and research facilities (reference data)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "activate_set",
    "get_set",
    "list_facilities",
    "list_rooms",
    "list_sets",
    "search_factors",
    "stored_fx",
    "stored_hicp",
    "unit_footprints",
    "upsert_facilities",
    "upsert_rooms",
]

_SET_COLUMNS = "id, year, version, active, row_count, gwp_set, loaded_at, source_name"


def _pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"


def list_sets(conn: Connection, year: int | None) -> list[dict[str, Any]]:
    return conn.execute(
        f"select {_SET_COLUMNS} from factor_set where %(year)s::int is null or year = %(year)s"
        " order by year desc, loaded_at desc, id desc",
        {"year": year},
    ).fetchall()


def get_set(conn: Connection, year: int, version: str) -> dict[str, Any] | None:
    return conn.execute(
        f"select {_SET_COLUMNS} from factor_set where year = %s and version = %s", (year, version)
    ).fetchone()


def search_factors(
    conn: Connection,
    set_id: int,
    *,
    module: str | None,
    submodule: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Factor rows (the loader's columns) of one set, filtered, with the total count."""
    rows = conn.execute(
        "select row, count(*) over () as total from factor"
        " where set_id = %(set)s"
        " and (%(module)s::text is null or module = %(module)s)"
        " and (%(sub)s::text is null or submodule = %(sub)s)"
        " and (%(q)s::text is null or concat_ws(' ', factor_id, key, row ->> 'source',"
        "      row ->> 'source_table', row ->> 'notes', row ->> 'unit') ilike %(q)s)"
        " order by module, submodule, key limit %(limit)s offset %(offset)s",
        {
            "set": set_id,
            "module": module,
            "sub": submodule,
            "q": _pattern(q) if q else None,
            "limit": limit,
            "offset": offset,
        },
    ).fetchall()
    total = rows[0]["total"] if rows else _count(conn, set_id, module, submodule, q)
    return [r["row"] for r in rows], total


def _count(
    conn: Connection, set_id: int, module: str | None, submodule: str | None, q: str | None
) -> int:
    if not (module or submodule or q):
        return conn.execute(
            "select count(*) as n from factor where set_id = %s", (set_id,)
        ).fetchone()["n"]
    return conn.execute(
        "select count(*) as n from factor where set_id = %(set)s"
        " and (%(module)s::text is null or module = %(module)s)"
        " and (%(sub)s::text is null or submodule = %(sub)s)"
        " and (%(q)s::text is null or concat_ws(' ', factor_id, key, row ->> 'source',"
        "      row ->> 'source_table', row ->> 'notes', row ->> 'unit') ilike %(q)s)",
        {"set": set_id, "module": module, "sub": submodule, "q": _pattern(q) if q else None},
    ).fetchone()["n"]


def activate_set(conn: Connection, year: int, version: str) -> str | None:
    """Make ``version`` the year's active set; returns the previously active version."""
    before = conn.execute(
        "select version from factor_set where year = %s and active for update", (year,)
    ).fetchone()
    conn.execute("update factor_set set active = false where year = %s and active", (year,))
    conn.execute(
        "update factor_set set active = true where year = %s and version = %s", (year, version)
    )
    return None if before is None else before["version"]


def list_rooms(
    conn: Connection, *, q: str | None, building: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    rows = conn.execute(
        "select building, room, surface_m2, room_type, heating_carrier, active, updated_at,"
        " count(*) over () as total from room"
        " where (%(b)s::text is null or building = %(b)s)"
        " and (%(q)s::text is null or building || ' ' || room ilike %(q)s)"
        " order by building, room limit %(limit)s offset %(offset)s",
        {"b": building, "q": _pattern(q) if q else None, "limit": limit, "offset": offset},
    ).fetchall()
    if rows or offset == 0:
        return rows, rows[0]["total"] if rows else 0
    total = conn.execute(
        "select count(*) as n from room where (%(b)s::text is null or building = %(b)s)"
        " and (%(q)s::text is null or building || ' ' || room ilike %(q)s)",
        {"b": building, "q": _pattern(q) if q else None},
    ).fetchone()["n"]
    return rows, total


def upsert_rooms(conn: Connection, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Insert or update rooms on (building, room), re-activating them; (inserted, updated)."""
    if not rows:
        return 0, 0
    cols = ("building", "room", "surface_m2", "room_type", "heating_carrier")
    flags = conn.execute(
        "insert into room (building, room, surface_m2, room_type, heating_carrier)"
        " select * from unnest(%s::text[], %s::text[], %s::numeric[], %s::text[], %s::text[])"
        " on conflict (building, room) do update set surface_m2 = excluded.surface_m2,"
        " room_type = excluded.room_type, heating_carrier = excluded.heating_carrier,"
        " active = true, updated_at = now()"
        " returning (xmax = 0) as inserted",
        [[r[c] for r in rows] for c in cols],
    ).fetchall()
    inserted = sum(1 for f in flags if f["inserted"])
    return inserted, len(flags) - inserted


_FACILITY_FILTER = (
    "f.year = %(year)s and (%(q)s::text is null or concat_ws(' ', f.name, u.code) ilike %(q)s)"
)


def list_facilities(
    conn: Connection, year: int, q: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A year's research facilities (with their unit's code), filtered, and the total count."""
    params = {"year": year, "q": _pattern(q) if q else None, "limit": limit, "offset": offset}
    rows = conn.execute(
        "select f.year, f.name, f.unit_id, u.code as unit_code, f.use_unit, f.total_use,"
        " f.footprint_kg::text as footprint_kg, f.uncertainty, f.updated_at,"
        " count(*) over () as total"
        " from research_facility f left join org_unit u on u.id = f.unit_id"
        f" where {_FACILITY_FILTER}"
        " order by f.name limit %(limit)s offset %(offset)s",
        params,
    ).fetchall()
    for r in rows:  # read as text: exact decimals, not floats
        r["footprint_kg"] = _kg_of_json(r["footprint_kg"])
    if rows or offset == 0:
        return rows, rows[0]["total"] if rows else 0
    total = conn.execute(
        "select count(*) as n from research_facility f left join org_unit u on u.id = f.unit_id"
        f" where {_FACILITY_FILTER}",
        params,
    ).fetchone()["n"]
    return rows, total


def _json_kg(kg: dict[str, Any]) -> str:
    """{source: kg} as a JSON object of exact decimal numbers (json.dumps would need floats)."""
    import json

    parts = []
    for source, value in kg.items():
        d = Decimal(value)
        if not d.is_finite():
            raise ValueError(f"footprint of {source!r} is not a finite number")
        parts.append(f"{json.dumps(str(source))}: {d}")
    return "{" + ", ".join(parts) + "}"


def _kg_of_json(text: str) -> dict[str, Decimal]:
    import json

    return {k: Decimal(v) for k, v in json.loads(text, parse_float=Decimal).items()}


def upsert_facilities(conn: Connection, year: int, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Insert or update a year's facilities on (year, name); (inserted, updated).

    Each row: ``name``, ``unit_id`` (int | None), ``use_unit``, ``total_use``
    (Decimal), ``footprint_kg`` ({source: Decimal}) and ``uncertainty`` (float).
    An update replaces the whole footprint; facilities not in ``rows`` are kept.
    """
    if not rows:
        return 0, 0
    flags = conn.execute(
        "insert into research_facility"
        " (year, name, unit_id, use_unit, total_use, footprint_kg, uncertainty)"
        " select %s::int, * from unnest(%s::text[], %s::bigint[], %s::text[], %s::numeric[],"
        " %s::text[]::jsonb[], %s::float8[])"
        " on conflict (year, name) do update set unit_id = excluded.unit_id,"
        " use_unit = excluded.use_unit, total_use = excluded.total_use,"
        " footprint_kg = excluded.footprint_kg, uncertainty = excluded.uncertainty,"
        " updated_at = now()"
        " returning (xmax = 0) as inserted",
        [
            year,
            [r["name"] for r in rows],
            [r["unit_id"] for r in rows],
            [str(r["use_unit"]) for r in rows],
            [r["total_use"] for r in rows],
            [_json_kg(r["footprint_kg"]) for r in rows],
            [float(r["uncertainty"]) for r in rows],
        ],
    ).fetchall()
    inserted = sum(1 for f in flags if f["inserted"])
    return inserted, len(flags) - inserted


def unit_footprints(
    conn: Connection, year: int, unit_ids: list[int]
) -> dict[int, dict[str, Decimal]]:
    """Each unit's emissions of the year summed by module ({module: kg CO2e}).

    Units without a report for the year are absent; a report without emission
    rows gives ``{}``. Needs all-units visibility (emission rows are under RLS).
    """
    if not unit_ids:
        return {}
    rows = conn.execute(
        "select r.unit_id, e.module, sum(e.kg_co2e) as kg from report r"
        " left join emission e on e.unit_id = r.unit_id and e.year = r.year"
        " where r.year = %s and r.unit_id = any(%s::bigint[])"
        " group by r.unit_id, e.module order by r.unit_id, e.module",
        (year, unit_ids),
    ).fetchall()
    out: dict[int, dict[str, Decimal]] = {}
    for r in rows:
        by_module = out.setdefault(r["unit_id"], {})
        if r["module"] is not None:
            by_module[r["module"]] = r["kg"]
    return out


def stored_fx(conn: Connection, year: int | None) -> list[dict[str, Any]]:
    """Refreshed ECB rates (they override the packaged ones of the same year and currency)."""
    return conn.execute(
        "select year, currency, units_per_eur, source from fx_rate"
        " where %(y)s::int is null or year = %(y)s order by year, currency",
        {"y": year},
    ).fetchall()


def stored_hicp(conn: Connection) -> list[dict[str, Any]]:
    return conn.execute("select year, index, base, source from hicp order by year").fetchall()
