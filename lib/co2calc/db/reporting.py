"""SQL for cross-unit reporting over an org subtree and a year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = ["aggregates", "module_completion", "unit_path", "unit_rows"]

_ORDER = {
    "code": "s.code",
    "kg": "kg",
    "per_fte": "per_fte nulls last",
    "completion": "completion",
}

_SCOPE = """
with scope as (
    select u.id, u.code, u.name_en from org_unit u
     where (%(visible)s::bigint[] is null or u.id = any(%(visible)s::bigint[]))
       and (%(path)s::text is null or u.path like %(path)s::text || '%%')
), rep as (
    select r.id as report_id, r.unit_id, r.status from report r join scope s on s.id = r.unit_id
     where r.year = %(year)s
       and (%(status)s::text is null or r.status = %(status)s::text)
       and (%(module_status)s::text is null or exists (
            select 1 from module_status m where m.report_id = r.id
               and m.status = %(module_status)s::text
               and (%(module)s::text is null or m.module = %(module)s::text)))
)
"""


def _params(
    *,
    year: int,
    visible: Iterable[int] | None,
    path: str | None,
    status: str | None,
    module: str | None,
    module_status: str | None,
    include_estimates: bool,
) -> dict[str, Any]:
    return {
        "year": year,
        "visible": None if visible is None else list(visible),
        "path": path,
        "status": status,
        "module": module,
        "module_status": module_status,
        "est": include_estimates,
    }


def unit_path(conn: Connection, unit_id: int) -> str | None:
    row = conn.execute("select path from org_unit where id = %s", (unit_id,)).fetchone()
    return row and row["path"]


def unit_rows(
    conn: Connection,
    *,
    sort: str | None = None,
    limit: int,
    offset: int,
    **filters: Any,
) -> tuple[list[dict[str, Any]], int]:
    """Units in scope with report status, module completion, entries, kg and FTE."""
    name = (sort or "code").lstrip("-")
    order = _ORDER.get(name, "s.code")
    direction = "desc" if (sort or "").startswith("-") else "asc"
    if " nulls " in order:
        col, _, nulls = order.partition(" ")
        order = f"{col} {direction} {nulls}"
    else:
        order = f"{order} {direction}"
    rows = conn.execute(
        _SCOPE
        + """
        select s.id as unit_id, s.code as unit_code, s.name_en as unit_name, rep.report_id,
               rep.status, ms.modules, ms.validated as modules_validated,
               case when ms.modules > 0 then ms.validated::float / ms.modules else 0 end
                   as completion,
               en.entries, en.flagged as flagged_entries,
               coalesce(em.kg, 0) as kg, coalesce(en.fte, 0) as fte,
               case when en.fte > 0 then coalesce(em.kg, 0) / en.fte end as per_fte,
               count(*) over () as total
          from rep join scope s on s.id = rep.unit_id
          left join lateral (
                select count(*) as modules, count(*) filter (where status = 'validated')
                       as validated
                  from module_status where report_id = rep.report_id) ms on true
          left join lateral (
                select count(*) as entries,
                       count(*) filter (where flag_reason is not null) as flagged,
                       sum((data ->> 'fte')::numeric) filter (
                           where module = 'headcount' and submodule in ('members', 'students'))
                           as fte
                  from entry where report_id = rep.report_id) en on true
          left join lateral (
                select sum(kg_co2e) as kg from emission
                 where unit_id = rep.unit_id and year = %(year)s
                   and (%(est)s or not estimate)) em on true
        """
        + f" order by {order}, s.code limit %(limit)s offset %(offset)s",
        _params(**filters) | {"limit": limit, "offset": offset},
    ).fetchall()
    return rows, (rows[0]["total"] if rows else 0)


def aggregates(conn: Connection, **filters: Any) -> list[dict[str, Any]]:
    """kg by module, by scope and in total over the units in scope (grouping sets)."""
    return conn.execute(
        _SCOPE
        + """
        select e.module, e.scope, sum(e.kg_co2e) as kg from emission e
          join rep on rep.unit_id = e.unit_id
         where e.year = %(year)s and (%(est)s or not e.estimate)
         group by grouping sets ((e.module), (e.scope), ())
        """,
        _params(**filters),
    ).fetchall()


def module_completion(conn: Connection, **filters: Any) -> list[dict[str, Any]]:
    return conn.execute(
        _SCOPE
        + """
        select m.module, count(*) as reports,
               count(*) filter (where m.status = 'validated') as validated
          from module_status m join rep on rep.report_id = m.report_id
         group by m.module order by m.module
        """,
        _params(**filters),
    ).fetchall()
