"""SQL for reporting years and the reports created with them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = ["create_year", "get_year", "list_years"]

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
