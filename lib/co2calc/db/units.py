"""SQL for the org tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "get_unit",
    "list_units",
    "unit_ancestors",
    "unit_ids_by_code",
    "unit_managers",
    "upsert_unit",
]

_COLUMNS = "id, code, name_en, name_fr, name_de, kind, parent_id, level, path, active"
_SORTABLE = {"code", "name_en", "level", "kind", "id"}


def _row_to_unit(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "code": r["code"],
        "name": r["name_en"],
        "names": {"en": r["name_en"], "fr": r["name_fr"], "de": r["name_de"]},
        "kind": r["kind"],
        "parent_id": r["parent_id"],
        "level": r["level"],
        "path": r["path"],
        "active": r["active"],
    }


def list_units(
    conn: Connection,
    *,
    visible: Iterable[int] | None,
    q: str | None = None,
    parent_id: int | None = None,
    level: int | None = None,
    kind: str | None = None,
    active: bool | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Units matching the filters; ``visible=None`` means every unit."""
    from psycopg import sql

    where = [sql.SQL("true")]
    args: list[Any] = []
    if visible is not None:
        where.append(sql.SQL("id = any(%s)"))
        args.append(list(visible))
    if q:
        where.append(
            sql.SQL("(code ilike %s or name_en ilike %s or name_fr ilike %s or name_de ilike %s)")
        )
        pattern = "%" + q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        args += [pattern] * 4
    for column, value in (
        ("parent_id", parent_id),
        ("level", level),
        ("kind", kind),
        ("active", active),
    ):
        if value is not None:
            where.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            args.append(value)
    order = "path"
    if sort:
        name = sort.lstrip("-")
        name = "name_en" if name == "name" else name
        if name in _SORTABLE:
            order = f"{name} {'desc' if sort.startswith('-') else 'asc'}, id"
    query = sql.SQL(
        "select " + _COLUMNS + ", count(*) over () as total from org_unit where {} "
        "order by " + order + " limit %s offset %s"
    ).format(sql.SQL(" and ").join(where))
    rows = conn.execute(query, [*args, limit, offset]).fetchall()
    if rows:
        total = rows[0]["total"]
    else:
        count = sql.SQL("select count(*) as n from org_unit where {}").format(
            sql.SQL(" and ").join(where)
        )
        total = conn.execute(count, args).fetchone()["n"]
    return [_row_to_unit(r) for r in rows], total


def get_unit(conn: Connection, unit_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "select " + _COLUMNS + ", (select count(*) from org_unit c where c.parent_id = o.id)"
        " as children from org_unit o where id = %s",
        (unit_id,),
    ).fetchone()
    if row is None:
        return None
    return _row_to_unit(row) | {"children": row["children"]}


def unit_managers(conn: Connection, unit_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "select d.person_id, d.display_name, d.email from role_assignment r"
        " join directory_person d on d.person_id = r.person_id and d.active"
        " where r.unit_id = %s and r.role = 'principal' order by d.display_name",
        (unit_id,),
    ).fetchall()


def unit_ancestors(conn: Connection, unit_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The given units and all their ancestors (for drawing a tree)."""
    return conn.execute(
        "with wanted as (select path from org_unit where id = any(%s))"
        " select distinct o.id, o.code, o.name_en, o.kind, o.parent_id, o.path from org_unit o"
        " join wanted w on w.path like o.path || '%%' order by o.path",
        (list(unit_ids),),
    ).fetchall()


def upsert_unit(
    conn: Connection,
    *,
    code: str,
    names: dict[str, str],
    kind: str,
    parent_code: str | None,
    external_id: str | None = None,
    active: bool = True,
) -> int:
    """Insert or update one unit by code; its parent must exist already."""
    parent = None
    if parent_code:
        parent = conn.execute(
            "select id, level, path from org_unit where code = %s", (parent_code,)
        ).fetchone()
        if parent is None:
            raise LookupError(f"parent unit {parent_code!r} does not exist")
    row = conn.execute(
        """
        insert into org_unit (code, external_id, name_en, name_fr, name_de, kind, parent_id,
                              level, path, active)
        values (%s, %s, %s, %s, %s, %s, %s, %s, '', %s)
        on conflict (code) do update
           set external_id = coalesce(excluded.external_id, org_unit.external_id),
               name_en = excluded.name_en, name_fr = excluded.name_fr,
               name_de = excluded.name_de, kind = excluded.kind,
               parent_id = excluded.parent_id, level = excluded.level,
               active = excluded.active, updated_at = now()
        returning id
        """,
        (
            code,
            external_id,
            names["en"],
            names.get("fr") or names["en"],
            names.get("de") or names["en"],
            kind,
            parent and parent["id"],
            0 if parent is None else parent["level"] + 1,
            active,
        ),
    ).fetchone()
    unit_id = row["id"]
    path = (parent["path"] if parent else "/") + f"{unit_id}/"
    old = conn.execute(
        "update org_unit o set path = %s from org_unit prev"
        " where o.id = %s and prev.id = o.id returning prev.path as path",
        (path, unit_id),
    ).fetchone()["path"]
    if old and old != path:  # moved: carry the subtree along
        conn.execute(
            "update org_unit set path = %s || substr(path, length(%s) + 1),"
            " level = length(%s || substr(path, length(%s) + 1))"
            " - length(replace(%s || substr(path, length(%s) + 1), '/', '')) - 2"
            " where path like %s and id <> %s",
            (path, old, path, old, path, old, old + "%", unit_id),
        )
    return unit_id


def unit_ids_by_code(conn: Connection, codes: Iterable[str] | None = None) -> dict[str, int]:
    """Org unit ids by code: of ``codes`` (unknown codes are absent), or of every unit."""
    if codes is None:
        rows = conn.execute("select code, id from org_unit").fetchall()
    else:
        rows = conn.execute(
            "select code, id from org_unit where code = any(%s::text[])", (list(codes),)
        ).fetchall()
    return {r["code"]: r["id"] for r in rows}
