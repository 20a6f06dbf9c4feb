"""SQL for data entries and their emission rows (every module, one table pair).

Field names from entry data (filters, sort, search) are always bound as
parameters (``data ->> %s``), never formatted into the statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from co2calc.db.emissions import EMISSION_COLUMNS  # one definition of the emission row

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "EMISSION_COLUMNS",
    "ListFilter",
    "delete_entries",
    "emissions_of",
    "entries_for_recompute",
    "get_entries",
    "get_entry",
    "insert_entry",
    "list_entries",
    "mark_module_started",
    "person_id_of",
    "person_id_taken",
    "replace_emissions",
    "report_by_id",
    "report_for",
    "set_computed",
    "update_entry",
    "user_by_person_id",
    "user_exists",
]


_ENTRY_SELECT = (
    "select e.*, r.status as report_status, y.status as year_status from entry e"
    " join report r on r.id = e.report_id join reporting_year y on y.year = e.year"
)
# Sortable entry columns (the rest are data fields, sorted through ``data ->> %s``).
_COLUMN_SORT = {
    "id": "e.id",
    "kg_co2e": "e.kg_co2e",
    "created_at": "e.created_at",
    "updated_at": "e.updated_at",
    "flag_reason": "e.flag_reason",
}


def _jsonb(value: Any):
    from psycopg.types.json import Jsonb  # lazy: keeps cold starts small

    return Jsonb(value)


def report_for(conn: Connection, unit_id: int, year: int) -> dict[str, Any] | None:
    """The unit-year report with its year's status (``year_status``)."""
    return conn.execute(
        "select r.id, r.unit_id, r.year, r.status, y.status as year_status from report r"
        " join reporting_year y on y.year = r.year where r.unit_id = %s and r.year = %s",
        (unit_id, year),
    ).fetchone()


def report_by_id(conn: Connection, report_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "select r.id, r.unit_id, r.year, r.status, y.status as year_status from report r"
        " join reporting_year y on y.year = r.year where r.id = %s",
        (report_id,),
    ).fetchone()


def get_entry(conn: Connection, entry_id: int, *, lock: bool = False) -> dict[str, Any] | None:
    return conn.execute(
        _ENTRY_SELECT + " where e.id = %s" + (" for update of e" if lock else ""), (entry_id,)
    ).fetchone()


def get_entries(
    conn: Connection, entry_ids: Sequence[int], *, lock: bool = False
) -> list[dict[str, Any]]:
    return conn.execute(
        _ENTRY_SELECT
        + " where e.id = any(%s) order by e.id"
        + (" for update of e" if lock else ""),
        (list(entry_ids),),
    ).fetchall()


def person_id_of(conn: Connection, user_id: int) -> str | None:
    row = conn.execute("select person_id from app_user where id = %s", (user_id,)).fetchone()
    return row and row["person_id"]


def user_by_person_id(conn: Connection, person_id: str) -> int | None:
    row = conn.execute("select id from app_user where person_id = %s", (person_id,)).fetchone()
    return row and row["id"]


def user_exists(conn: Connection, user_id: int) -> bool:
    return conn.execute("select 1 from app_user where id = %s", (user_id,)).fetchone() is not None


def person_id_taken(
    conn: Connection, unit_id: int, year: int, person_id: str, exclude_id: int | None
) -> bool:
    """Is a headcount member with this person id already in the unit-year?"""
    return (
        conn.execute(
            "select 1 from entry where unit_id = %s and year = %s and module = 'headcount'"
            " and submodule = 'members' and data ->> 'person_id' = %s and id is distinct from %s",
            (unit_id, year, person_id, exclude_id),
        ).fetchone()
        is not None
    )


def insert_entry(
    conn: Connection,
    *,
    report: dict[str, Any],
    module: str,
    submodule: str,
    owner_user_id: int | None,
    data: dict[str, Any],
    note: str | None,
    source: str,
    import_job: str | None,
    flag_reason: str | None,
    flag_detail: str | None,
    kg_co2e: Any,
    estimate: bool,
    actor_id: int | None,
) -> dict[str, Any]:
    return conn.execute(
        "insert into entry (report_id, unit_id, year, module, submodule, owner_user_id, data,"
        " note, source, import_job, flag_reason, flag_detail, kg_co2e, estimate, created_by,"
        " updated_by) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " returning *",
        (
            report["id"],
            report["unit_id"],
            report["year"],
            module,
            submodule,
            owner_user_id,
            _jsonb(data),
            note,
            source,
            import_job,
            flag_reason,
            flag_detail,
            kg_co2e,
            estimate,
            actor_id,
            actor_id,
        ),
    ).fetchone()


def update_entry(
    conn: Connection,
    entry_id: int,
    *,
    version: int,
    owner_user_id: int | None,
    data: dict[str, Any],
    note: str | None,
    flag_reason: str | None,
    flag_detail: str | None,
    kg_co2e: Any,
    estimate: bool,
    actor_id: int | None,
) -> dict[str, Any] | None:
    """Full update if ``version`` is current (else None); bumps the version."""
    return conn.execute(
        "update entry set owner_user_id = %s, data = %s, note = %s, flag_reason = %s,"
        " flag_detail = %s, kg_co2e = %s, estimate = %s, updated_by = %s, updated_at = now(),"
        " version = version + 1 where id = %s and version = %s returning *",
        (
            owner_user_id,
            _jsonb(data),
            note,
            flag_reason,
            flag_detail,
            kg_co2e,
            estimate,
            actor_id,
            entry_id,
            version,
        ),
    ).fetchone()


def set_computed(conn: Connection, rows: Iterable[tuple[int, Any, bool, str | None, str | None]]):
    """(entry id, kg, estimate, flag reason, flag detail) for recalculated entries."""
    with conn.cursor() as cur:
        cur.executemany(
            "update entry set kg_co2e = %s, estimate = %s, flag_reason = %s, flag_detail = %s"
            " where id = %s",
            [(kg, est, reason, detail, i) for i, kg, est, reason, detail in rows],
        )


def delete_entries(conn: Connection, entry_ids: Sequence[int]) -> int:
    return conn.execute("delete from entry where id = any(%s)", (list(entry_ids),)).rowcount


def replace_emissions(
    conn: Connection, entry_ids: Sequence[int], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Delete the entries' emission rows and insert ``rows`` (tuples in EMISSION_COLUMNS order)."""
    from co2calc.db import emissions

    emissions.replace(conn, entry_ids, rows)


def emissions_of(conn: Connection, entry_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in entry_ids}
    if not entry_ids:
        return out
    for r in conn.execute(
        "select entry_id, leaf, scope, category, kg_co2e, quantity, quantity_unit, factor_id,"
        " factor_version, uncertainty, estimate from emission where entry_id = any(%s)"
        " order by entry_id, leaf",
        (list(entry_ids),),
    ).fetchall():
        out.setdefault(r["entry_id"], []).append(r)
    return out


def mark_module_started(conn: Connection, report_id: int, module: str) -> None:
    """First write in a module: not_started → in_progress (other states untouched)."""
    conn.execute(
        "update module_status set status = 'in_progress', updated_at = now()"
        " where report_id = %s and module = %s and status = 'not_started'",
        (report_id, module),
    )


@dataclass
class ListFilter:
    """What a list shows: equality on data fields, flag state, owner, text search."""

    data_equals: dict[str, str] = field(default_factory=dict)
    flagged: bool | None = None
    owner_user_id: int | None = None
    q: str | None = None
    search_fields: tuple[str, ...] = ()


def _where(report_id: int, module: str, submodule: str, f: ListFilter) -> tuple[str, list[Any]]:
    where = ["e.report_id = %s", "e.module = %s", "e.submodule = %s"]
    args: list[Any] = [report_id, module, submodule]
    for name, value in f.data_equals.items():
        where.append("e.data ->> %s = %s")
        args += [name, value]
    if f.flagged is not None:
        where.append("e.flag_reason is not null" if f.flagged else "e.flag_reason is null")
    if f.owner_user_id is not None:
        where.append("e.owner_user_id = %s")
        args.append(f.owner_user_id)
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        ors = ["coalesce(e.note, '') ilike %s"] + ["e.data ->> %s ilike %s"] * len(f.search_fields)
        where.append("(" + " or ".join(ors) + ")")
        args.append(pattern)
        for name in f.search_fields:
            args += [name, pattern]
    return " and ".join(where), args


def list_entries(
    conn: Connection,
    *,
    report_id: int,
    module: str,
    submodule: str,
    filters: ListFilter,
    sort: str,
    sort_kind: Literal["column", "text", "numeric"],
    descending: bool,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int, Any]:
    """(page rows, count, kg sum) of the filtered entries."""
    where, args = _where(report_id, module, submodule, filters)
    totals = conn.execute(
        f"select count(*) as n, coalesce(sum(e.kg_co2e), 0) as kg from entry e where {where}",
        args,
    ).fetchone()
    direction = "desc" if descending else "asc"
    nulls = "nulls last" if not descending else "nulls first"
    if sort_kind == "column":
        order, order_args = f"{_COLUMN_SORT[sort]} {direction} {nulls}", []
    elif sort_kind == "numeric":
        order, order_args = f"(e.data ->> %s)::numeric {direction} {nulls}", [sort]
    else:
        order, order_args = f"e.data ->> %s {direction} {nulls}", [sort]
    rows = conn.execute(
        f"select e.* from entry e where {where} order by {order}, e.id {direction}"
        " limit %s offset %s",
        [*args, *order_args, limit, offset],
    ).fetchall()
    return rows, totals["n"], totals["kg"]


def entries_for_recompute(
    conn: Connection,
    *,
    entry_ids: Sequence[int] | None,
    year: int | None,
    after_id: int,
    limit: int,
) -> list[dict[str, Any]]:
    """A batch of entries (id > after_id) of reports not signed off, locked for update."""
    where, args = ["e.id > %s", "r.status <> 'signed_off'"], [after_id]
    if entry_ids is not None:
        where.append("e.id = any(%s)")
        args.append(list(entry_ids))
    if year is not None:
        where.append("e.year = %s")
        args.append(year)
    return conn.execute(
        "select e.id, e.unit_id, e.year, e.module, e.submodule, e.data from entry e"
        " join report r on r.id = e.report_id where "
        + " and ".join(where)
        + " order by e.id limit %s for update of e",
        [*args, limit],
    ).fetchall()
