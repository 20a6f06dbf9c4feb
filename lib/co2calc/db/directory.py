"""SQL for applying directory snapshots: units, people, directory-sourced roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psycopg import Connection

from co2calc.db.units import upsert_unit

__all__ = [
    "deactivate_people_except",
    "deactivate_units_except",
    "directory_role_keys",
    "replace_directory_roles",
    "upsert_person",
    "upsert_unit",
]


def deactivate_units_except(conn: Connection, keep_ids: list[int]) -> None:
    conn.execute(
        "update org_unit set active = false, updated_at = now() where active and id <> all(%s)",
        (keep_ids,),
    )


def upsert_person(
    conn: Connection, person_id: str, display_name: str, email: str | None, active: bool
) -> None:
    conn.execute(
        "insert into directory_person (person_id, display_name, email, active)"
        " values (%s, %s, %s, %s) on conflict (person_id) do update"
        " set display_name = excluded.display_name, email = excluded.email,"
        " active = excluded.active, synced_at = now()",
        (person_id, display_name, email, active),
    )


def deactivate_people_except(conn: Connection, keep: list[str]) -> None:
    conn.execute(
        "update directory_person set active = false where active and person_id <> all(%s)", (keep,)
    )


def replace_directory_roles(conn: Connection, roles: list[tuple[str, str, int | None]]) -> int:
    """Make the directory-sourced roles exactly ``roles``; returns how many were removed."""
    conn.execute(
        "create temporary table wanted_role (person_id text, role text, unit_id bigint)"
        " on commit drop"
    )
    with conn.cursor().copy("copy wanted_role from stdin") as copy:
        for row in roles:
            copy.write_row(row)
    removed = conn.execute(
        "delete from role_assignment r where r.source = 'directory' and not exists ("
        " select 1 from wanted_role w where w.person_id = r.person_id and w.role = r.role"
        " and coalesce(w.unit_id, 0) = coalesce(r.unit_id, 0))"
    ).rowcount
    conn.execute(
        "insert into role_assignment (person_id, role, unit_id, source)"
        " select distinct person_id, role, unit_id, 'directory' from wanted_role"
        " on conflict (person_id, role, coalesce(unit_id, 0))"
        " do update set synced_at = now()"
    )
    return removed


def directory_role_keys(conn: Connection) -> set[tuple[str, str, str | None]]:
    """(person_id, role, unit code) of every directory-sourced role (the sync guard)."""
    rows = conn.execute(
        "select r.person_id, r.role, u.code from role_assignment r"
        " left join org_unit u on u.id = r.unit_id where r.source = 'directory'"
    ).fetchall()
    return {(r["person_id"], r["role"], r["code"]) for r in rows}
