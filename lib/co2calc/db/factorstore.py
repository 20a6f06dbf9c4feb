"""SQL for stored factor sets and the reference data the calculators read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "active_set",
    "facilities",
    "factor_rows",
    "fx_rates",
    "hicp_values",
    "insert_set",
    "reference_stamp",
    "rooms",
]


def active_set(conn: Connection, year: int) -> dict[str, Any] | None:
    return conn.execute("select * from factor_set where year = %s and active", (year,)).fetchone()


def factor_rows(conn: Connection, set_id: int) -> list[dict[str, Any]]:
    return [
        r["row"]
        for r in conn.execute(
            "select row from factor where set_id = %s order by module, submodule, key", (set_id,)
        )
    ]


def insert_set(
    conn: Connection,
    *,
    year: int,
    version: str,
    gwp_set: str,
    source_name: str,
    rows: list[dict[str, Any]],
    loaded_by: int | None,
    activate: bool,
) -> int:
    from psycopg.types.json import Jsonb

    set_id = conn.execute(
        "insert into factor_set (year, version, gwp_set, source_name, row_count, loaded_by)"
        " values (%s, %s, %s, %s, %s, %s) returning id",
        (year, version, gwp_set, source_name, len(rows), loaded_by),
    ).fetchone()["id"]
    with conn.cursor().copy(
        "copy factor (set_id, factor_id, module, submodule, key, row) from stdin"
    ) as copy:
        for r in rows:
            copy.write_row(
                (set_id, r["factor_id"], r["module"], r["submodule"], r["key"], Jsonb(r))
            )
    if activate:
        conn.execute("update factor_set set active = false where year = %s and active", (year,))
        conn.execute("update factor_set set active = true where id = %s", (set_id,))
    return set_id


def rooms(conn: Connection) -> list[dict[str, Any]]:
    return conn.execute(
        "select building, room, surface_m2, room_type, heating_carrier from room where active"
    ).fetchall()


def facilities(conn: Connection, year: int) -> list[dict[str, Any]]:
    return conn.execute(
        "select name, total_use, use_unit, footprint_kg, uncertainty,"
        " updated_at from research_facility where year = %s",
        (year,),
    ).fetchall()


def reference_stamp(conn: Connection, year: int) -> tuple:
    """Changes whenever the factor set or DB reference data of the year change."""
    row = conn.execute(
        "select (select id from factor_set where year = %s and active) as set_id,"
        " (select max(updated_at) from room) as rooms,"
        " (select count(*) from room) as room_count,"
        " (select max(updated_at) from research_facility where year = %s) as facilities,"
        " (select (max(changed_at), count(*))::text from fx_rate) as fx,"
        " (select (max(changed_at), count(*))::text from hicp) as hicp",
        (year, year),
    ).fetchone()
    return (
        row["set_id"],
        row["rooms"],
        row["room_count"],
        row["facilities"],
        row["fx"],
        row["hicp"],
    )


def fx_rates(conn: Connection) -> list[dict[str, Any]]:
    """Refreshed ECB annual rates (they override the packaged ones)."""
    return conn.execute("select year, currency, units_per_eur from fx_rate").fetchall()


def hicp_values(conn: Connection) -> list[dict[str, Any]]:
    """Refreshed euro-area HICP annual indexes (one base, as published)."""
    return conn.execute("select year, index from hicp order by year").fetchall()
