"""SQL for unit results: emission rows, headcount FTE, top entries, exports."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "emission_rows",
    "entries_for_export",
    "entry_counts",
    "fte_by_year",
    "objectives",
    "top_entries",
    "unit",
    "unit_reports",
]


def unit(conn: Connection, unit_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "select id, code, name_en, path from org_unit where id = %s", (unit_id,)
    ).fetchone()


def unit_reports(conn: Connection, unit_id: int) -> list[dict[str, Any]]:
    """Every report of the unit (oldest year first) with its entry counts."""
    return conn.execute(
        "select r.id, r.year, r.status, r.signed_off_at, r.frozen_factor_version,"
        " r.frozen_inputs_hash, r.frozen_results,"
        " (select count(*) from entry e where e.report_id = r.id) as entries"
        " from report r where r.unit_id = %s order by r.year",
        (unit_id,),
    ).fetchall()


def emission_rows(conn: Connection, unit_id: int, years: list[int]) -> list[dict[str, Any]]:
    return conn.execute(
        "select entry_id, year, kg_co2e, leaf, scope, category, module, submodule, factor_id,"
        " factor_version, quantity, quantity_unit, uncertainty, factor_uncertainty, estimate"
        " from emission where unit_id = %s and year = any(%s)",
        (unit_id, years),
    ).fetchall()


def fte_by_year(conn: Connection, unit_id: int, years: list[int]) -> dict[int, Decimal]:
    """Members' FTE + students' FTE per year (headcount entries)."""
    rows = conn.execute(
        "select year, coalesce(sum((data ->> 'fte')::numeric), 0) as fte from entry"
        " where unit_id = %s and year = any(%s) and module = 'headcount'"
        " and submodule in ('members', 'students') group by year",
        (unit_id, years),
    ).fetchall()
    return {r["year"]: r["fte"] for r in rows}


def entry_counts(conn: Connection, report_id: int) -> dict[str, int]:
    return conn.execute(
        "select count(*) as entries, count(*) filter (where flag_reason is not null) as flagged"
        " from entry where report_id = %s",
        (report_id,),
    ).fetchone()


def top_entries(
    conn: Connection, report_id: int, *, include_estimates: bool, limit: int = 10
) -> list[dict[str, Any]]:
    """The entries with the largest kg CO2e (summed over their emission rows)."""
    return conn.execute(
        "select e.id as entry_id, e.module, e.submodule, e.owner_user_id, e.data,"
        " e.flag_reason, t.kg from ("
        "   select m.entry_id, sum(m.kg_co2e) as kg from emission m"
        "    where m.entry_id in (select id from entry where report_id = %s)"
        "      and (%s or not m.estimate) group by m.entry_id"
        "    order by kg desc, m.entry_id limit %s) t"
        " join entry e on e.id = t.entry_id order by t.kg desc, e.id",
        (report_id, include_estimates, limit),
    ).fetchall()


def objectives(conn: Connection, year: int) -> dict[str, Any] | None:
    row = conn.execute("select objectives from reporting_year where year = %s", (year,)).fetchone()
    return row and row["objectives"]


def entries_for_export(conn: Connection, report_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "select id, module, submodule, owner_user_id, data, note, source, flag_reason,"
        " flag_detail, kg_co2e, estimate, updated_at from entry where report_id = %s"
        " order by module, submodule, id",
        (report_id,),
    ).fetchall()
