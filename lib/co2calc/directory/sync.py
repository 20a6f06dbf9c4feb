"""Apply a directory snapshot to the database in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from co2calc.db import directory as sql
from co2calc.db import transaction
from co2calc.directory.model import DirectorySnapshot

__all__ = ["SyncReport", "sync"]


@dataclass(frozen=True)
class SyncReport:
    units: int
    people: int
    roles: int
    roles_removed: int


def sync(snapshot: DirectorySnapshot) -> SyncReport:
    """Upsert units (parents first), people and directory-sourced roles.

    Units and people missing from the snapshot are deactivated, never deleted;
    roles from the directory are replaced by the snapshot's; manual roles stay.
    """
    with transaction(all_units=True) as conn:
        ids: dict[str, int] = {}
        for unit in snapshot.units_parent_first():
            ids[unit.code] = sql.upsert_unit(
                conn,
                code=unit.code,
                names=dict(unit.names),
                kind=unit.kind,
                parent_code=unit.parent,
                external_id=unit.external_id,
                active=unit.active,
            )
        sql.deactivate_units_except(conn, list(ids.values()))
        roles = []
        for person in snapshot.people:
            sql.upsert_person(
                conn, person.person_id, person.display_name, person.email, person.active
            )
            roles += [
                (person.person_id, r.role, ids[r.unit] if r.unit else None) for r in person.roles
            ]
        sql.deactivate_people_except(conn, [p.person_id for p in snapshot.people])
        removed = sql.replace_directory_roles(conn, roles)
    return SyncReport(len(ids), len(snapshot.people), len(roles), removed)
