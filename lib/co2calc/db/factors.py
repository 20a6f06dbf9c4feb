"""SQL for browsing factor sets and for the room list (reference data kept in the database)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "activate_set",
    "get_set",
    "list_rooms",
    "list_sets",
    "search_factors",
    "stored_fx",
    "stored_hicp",
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


def stored_fx(conn: Connection, year: int | None) -> list[dict[str, Any]]:
    """Refreshed ECB rates (they override the packaged ones of the same year and currency)."""
    return conn.execute(
        "select year, currency, units_per_eur, source from fx_rate"
        " where %(y)s::int is null or year = %(y)s order by year, currency",
        {"y": year},
    ).fetchall()


def stored_hicp(conn: Connection) -> list[dict[str, Any]]:
    return conn.execute("select year, index, base, source from hicp order by year").fetchall()
