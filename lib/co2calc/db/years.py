"""SQL for reporting years and the reports created with them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "building_rooms_missing",
    "create_year",
    "entry_counts",
    "facility_count",
    "flag_groups",
    "flagged_entries",
    "get_objectives",
    "get_year",
    "list_years",
    "room_carriers",
    "set_objectives",
    "set_status",
]

_YEAR_COLUMNS = """
    y.year, y.status, y.created_at, y.opened_at,
    (select count(*) from report r where r.year = y.year) as reports,
    (select count(*) from report r where r.year = y.year and r.status = 'signed_off')
        as signed_off
"""


def list_years(conn: Connection) -> list[dict[str, Any]]:
    return conn.execute(
        f"select {_YEAR_COLUMNS} from reporting_year y order by y.year desc"
    ).fetchall()


def get_year(conn: Connection, year: int) -> dict[str, Any] | None:
    return conn.execute(
        f"select {_YEAR_COLUMNS} from reporting_year y where y.year = %s", (year,)
    ).fetchone()


def create_year(
    conn: Connection, year: int, created_by: int | None, modules: tuple[str, ...]
) -> bool:
    """Create the year, a report per active unit and its module statuses.

    Returns False (and changes nothing) when the year exists already.
    """
    row = conn.execute(
        "insert into reporting_year (year, created_by) values (%s, %s)"
        " on conflict do nothing returning year",
        (year, created_by),
    ).fetchone()
    if row is None:
        return False
    conn.execute(
        "insert into report (unit_id, year) select id, %s from org_unit"
        " where active and kind = 'unit' order by id",
        (year,),
    )
    conn.execute(
        "insert into module_status (report_id, unit_id, module)"
        " select r.id, r.unit_id, m from report r, unnest(%s::text[]) as m where r.year = %s",
        (list(modules), year),
    )
    return True


def set_status(conn: Connection, year: int, status: str) -> str | None:
    """Change the year's status (``opened_at`` set when opened); returns the previous one."""
    before = conn.execute(
        "select status from reporting_year where year = %s for update", (year,)
    ).fetchone()
    if before is None:
        return None
    conn.execute(
        "update reporting_year set status = %s,"
        " opened_at = case when %s = 'open' then now() else opened_at end where year = %s",
        (status, status, year),
    )
    return before["status"]


def get_objectives(conn: Connection, year: int) -> tuple[bool, dict[str, Any] | None]:
    """(year exists, stored objectives or None)."""
    row = conn.execute("select objectives from reporting_year where year = %s", (year,)).fetchone()
    return (False, None) if row is None else (True, row["objectives"])


def set_objectives(conn: Connection, year: int, objectives: dict[str, Any]) -> dict | None:
    """Store the objectives; returns the previous value (None if unset)."""
    from psycopg.types.json import Jsonb

    before = conn.execute(
        "select objectives from reporting_year where year = %s for update", (year,)
    ).fetchone()
    conn.execute(
        "update reporting_year set objectives = %s where year = %s", (Jsonb(objectives), year)
    )
    return None if before is None else before["objectives"]


def entry_counts(conn: Connection, year: int) -> dict[str, tuple[int, int]]:
    """module -> (entries, flagged entries) of the year."""
    rows = conn.execute(
        "select module, count(*) as n, count(*) filter (where flag_reason is not null) as flagged"
        " from entry where year = %s group by module",
        (year,),
    ).fetchall()
    return {r["module"]: (r["n"], r["flagged"]) for r in rows}


def flagged_entries(conn: Connection, year: int, limit: int) -> list[dict[str, Any]]:
    return conn.execute(
        "select id, module, submodule, data, flag_reason, flag_detail from entry"
        " where year = %s and flag_reason is not null order by id limit %s",
        (year, limit),
    ).fetchall()


def flag_groups(conn: Connection, year: int, after_id: int) -> list[dict[str, Any]]:
    """Stored flags of entries with id > ``after_id``, grouped (module, reason, detail)."""
    return conn.execute(
        "select module, flag_reason as reason, flag_detail as detail, count(*) as n from entry"
        " where year = %s and flag_reason is not null and id > %s"
        " group by 1, 2, 3 order by n desc",
        (year, after_id),
    ).fetchall()


def room_carriers(conn: Connection) -> tuple[int, list[str]]:
    """(active rooms, distinct heating carriers of the active rooms)."""
    row = conn.execute(
        "select count(*) as n, coalesce(array_agg(distinct heating_carrier), '{}') as carriers"
        " from room where active"
    ).fetchone()
    return row["n"], sorted(row["carriers"])


def building_rooms_missing(conn: Connection, year: int, limit: int = 20) -> tuple[int, list[str]]:
    """Rooms named by the year's building entries that the room list lacks: (count, sample)."""
    rows = conn.execute(
        "select distinct e.data ->> 'building' as building, e.data ->> 'room' as room from entry e"
        " where e.year = %s and e.module = 'buildings' and e.submodule = 'rooms'"
        " and not exists (select 1 from room r where r.active"
        "   and r.building = e.data ->> 'building' and r.room = e.data ->> 'room')",
        (year,),
    ).fetchall()
    return len(rows), [f"{r['building']} {r['room']}" for r in rows[:limit]]


def facility_count(conn: Connection, year: int) -> int:
    return conn.execute(
        "select count(*) as n from research_facility where year = %s", (year,)
    ).fetchone()["n"]
