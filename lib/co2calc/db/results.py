"""SQL for unit results: emission rows, headcount FTE, top entries, exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "emission_groups",
    "entries_for_export",
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
    """Every report of the unit (oldest year first) with its entry counts and FTE.

    ``entries``, ``flagged`` (entries that could not be computed) and ``fte`` (members'
    + students' FTE from the headcount entries) come with the report: one round trip.
    """
    return conn.execute(
        "select r.id, r.year, r.status, r.signed_off_at, r.frozen_factor_version,"
        " r.frozen_inputs_hash, r.frozen_results, c.entries, c.flagged, c.fte"
        " from report r cross join lateral ("
        "   select count(*) as entries,"
        "     count(*) filter (where e.flag_reason is not null) as flagged,"
        "     coalesce(sum((e.data ->> 'fte')::numeric) filter (where e.module = 'headcount'"
        "       and e.submodule in ('members', 'students')), 0) as fte"
        "   from entry e where e.report_id = r.id) c"
        " where r.unit_id = %s order by r.year",
        (unit_id,),
    ).fetchall()


def emission_groups(conn: Connection, unit_id: int, years: list[int]) -> list[dict[str, Any]]:
    """The unit's emission rows summed per (year, module, submodule, leaf, scope, category,
    factor, quantity unit, estimate), with the two sums the 95 % interval needs.

    ``kg_uf`` = Σ kg·u_f (factor errors add linearly inside a factor group) and
    ``kg2_ua2`` = Σ kg²·u_a² with u_a² = u² − u_f² (activity errors add in quadrature;
    below 1e-15 counted as 0, as :func:`co2calc.calc.uncertainty.variance` does), so
    a group carries exactly the variance of its rows (see ``results.summary.group_row``).
    A unit-year has a few dozen groups for hundreds or thousands of rows.
    """
    return conn.execute(
        "select year, module, submodule, leaf, scope, category, factor_id, factor_version,"
        " quantity_unit, estimate, sum(kg_co2e) as kg_co2e, sum(quantity) as quantity,"
        " sum(kg_co2e::float8 * factor_uncertainty) as kg_uf,"
        " sum(case when uncertainty * uncertainty - factor_uncertainty * factor_uncertainty"
        "   > 1e-15 then kg_co2e::float8 * kg_co2e::float8"
        "   * (uncertainty * uncertainty - factor_uncertainty * factor_uncertainty)"
        "   else 0 end) as kg2_ua2"
        " from emission where unit_id = %s and year = any(%s)"
        " group by year, module, submodule, leaf, scope, category, factor_id, factor_version,"
        " quantity_unit, estimate",
        (unit_id, years),
    ).fetchall()


def top_entries(
    conn: Connection, unit_id: int, year: int, *, include_estimates: bool, limit: int = 10
) -> list[dict[str, Any]]:
    """The unit-year's entries with the largest kg CO2e (summed over their emission rows).

    Grouped straight from the unit-year's emission rows (``emission_unit_year_idx``)
    rather than probing the rows of each entry of the report.
    """
    return conn.execute(
        "select e.id as entry_id, e.module, e.submodule, e.owner_user_id, e.data,"
        " e.flag_reason, t.kg from ("
        "   select m.entry_id, sum(m.kg_co2e) as kg from emission m"
        "    where m.unit_id = %s and m.year = %s and (%s or not m.estimate)"
        "    group by m.entry_id order by kg desc, m.entry_id limit %s) t"
        " join entry e on e.id = t.entry_id order by t.kg desc, e.id",
        (unit_id, year, include_estimates, limit),
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
