"""SQL for unit-year reports, module statuses and the sign-off freeze."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from psycopg import Connection

__all__ = [
    "active_factor_version",
    "emission_totals",
    "entry_count",
    "freeze",
    "get_report",
    "inputs_hash",
    "list_reports",
    "module_states",
    "report_for",
    "set_module_status",
]


def list_reports(
    conn: Connection,
    *,
    visible: Iterable[int] | None,
    year: int | None,
    unit_id: int | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    where, args = ["true"], []
    if visible is not None:
        where.append("r.unit_id = any(%s)")
        args.append(list(visible))
    for column, value in (("r.year", year), ("r.unit_id", unit_id), ("r.status", status)):
        if value is not None:
            where.append(f"{column} = %s")
            args.append(value)
    rows = conn.execute(
        "select r.*, u.code as unit_code, u.name_en as unit_name, count(*) over () as total"
        " from report r join org_unit u on u.id = r.unit_id where "
        + " and ".join(where)
        + " order by r.year desc, u.code limit %s offset %s",
        [*args, limit, offset],
    ).fetchall()
    return rows, (rows[0]["total"] if rows else 0)


def get_report(conn: Connection, report_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "select r.*, u.code as unit_code, u.name_en as unit_name from report r"
        " join org_unit u on u.id = r.unit_id where r.id = %s",
        (report_id,),
    ).fetchone()


def report_for(conn: Connection, unit_id: int, year: int) -> dict[str, Any] | None:
    return conn.execute(
        "select r.*, u.code as unit_code, u.name_en as unit_name from report r"
        " join org_unit u on u.id = r.unit_id where r.unit_id = %s and r.year = %s",
        (unit_id, year),
    ).fetchone()


def module_states(conn: Connection, report_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = conn.execute(
        """
        select m.report_id, m.module, m.status, m.validated_at,
               coalesce(e.entries, 0) as entries, coalesce(e.flagged, 0) as flagged,
               coalesce(e.kg, 0) as kg_co2e
          from module_status m
          left join lateral (
                select count(*) as entries, count(*) filter (where flag_reason is not null)
                       as flagged, sum(kg_co2e) as kg
                  from entry where report_id = m.report_id and module = m.module) e on true
         where m.report_id = any(%s)
         order by m.report_id
        """,
        (report_ids,),
    ).fetchall()
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["report_id"], []).append(r)
    return out


def set_module_status(
    conn: Connection, report_id: int, module: str, status: str, user_id: int
) -> dict[str, Any] | None:
    """Returns the row before the change (None if the module does not exist)."""
    before = conn.execute(
        "select * from module_status where report_id = %s and module = %s for update",
        (report_id, module),
    ).fetchone()
    if before is None:
        return None
    conn.execute(
        "update module_status set status = %s, updated_at = now(),"
        " validated_at = case when %s = 'validated' then now() end,"
        " validated_by = case when %s = 'validated' then %s::bigint end"
        " where report_id = %s and module = %s",
        (status, status, status, user_id, report_id, module),
    )
    return before


def inputs_hash(conn: Connection, report_id: int) -> str:
    """SHA-256 over every entry's module, submodule and data, in a stable order."""
    return conn.execute(
        "select encode(sha256(convert_to(coalesce(string_agg("
        " module || '|' || submodule || '|' || data::text, E'\\n'"
        " order by module, submodule, data::text), ''), 'UTF8')), 'hex') as h"
        " from entry where report_id = %s",
        (report_id,),
    ).fetchone()["h"]


def active_factor_version(conn: Connection, year: int) -> str | None:
    row = conn.execute(
        "select version from factor_set where year = %s and active", (year,)
    ).fetchone()
    return row and row["version"]


def freeze(
    conn: Connection,
    report_id: int,
    user_id: int,
    factor_version: str | None,
    digest: str,
    results: dict[str, Any],
) -> None:
    from psycopg.types.json import Jsonb  # lazy: keeps cold starts small

    conn.execute(
        "update report set status = 'signed_off', signed_off_at = now(), signed_off_by = %s,"
        " frozen_factor_version = %s, frozen_inputs_hash = %s, frozen_results = %s"
        " where id = %s",
        (user_id, factor_version, digest, Jsonb(results), report_id),
    )


def emission_totals(conn: Connection, report_id: int) -> dict[str, Any]:
    """Total, by module and by scope, of the report's current emission rows (kg as text)."""
    rows = conn.execute(
        "select module, scope, sum(kg_co2e) as kg from emission"
        " where entry_id in (select id from entry where report_id = %s)"
        " group by grouping sets ((module), (scope), ())",
        (report_id,),
    ).fetchall()
    out: dict[str, Any] = {"kg_co2e": "0", "by_module": {}, "by_scope": {}}
    for r in rows:
        if r["module"] is not None:
            out["by_module"][r["module"]] = str(r["kg"])
        elif r["scope"] is not None:
            out["by_scope"][str(r["scope"])] = str(r["kg"])
        else:
            out["kg_co2e"] = str(r["kg"])
    return out


def entry_count(conn: Connection, report_id: int, source: str | None = None) -> int:
    """Entries of the report (of one ``source`` only: form, import, seed)."""
    return conn.execute(
        "select count(*) as n from entry where report_id = %s"
        " and (%s::text is null or source = %s)",
        (report_id, source, source),
    ).fetchone()["n"]
