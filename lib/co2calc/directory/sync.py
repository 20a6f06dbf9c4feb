"""Apply a directory snapshot to the database in one transaction.

``guarded_sync(snapshot)`` refuses a snapshot that would remove more than
``directory_max_role_removal`` (default half) of the existing directory roles,
unless forced: a truncated or half-empty answer must not wipe permissions.
The check and the writes happen in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from co2calc.db import directory as sql
from co2calc.db import transaction
from co2calc.directory.model import DirectorySnapshot, SnapshotRejected

if TYPE_CHECKING:
    from co2calc.settings import Settings

__all__ = ["SyncReport", "guarded_sync", "sync"]


@dataclass(frozen=True)
class SyncReport:
    units: int
    people: int
    roles: int
    roles_removed: int


def sync(snapshot: DirectorySnapshot, *, max_role_removal: float | None = None) -> SyncReport:
    """Upsert units (parents first), people and directory-sourced roles.

    Units and people missing from the snapshot are deactivated, never deleted;
    roles from the directory are replaced by the snapshot's; manual roles stay.
    With ``max_role_removal`` (a fraction), a snapshot that would remove more
    of the existing directory roles raises ``SnapshotRejected`` and changes nothing.
    """
    with transaction(all_units=True) as conn:
        if max_role_removal is not None:
            _check_removals(sql.directory_role_keys(conn), snapshot, max_role_removal)
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


def _check_removals(
    existing: set[tuple[str, str, str | None]], snapshot: DirectorySnapshot, limit: float
) -> None:
    wanted = {(p.person_id, r.role, r.unit) for p in snapshot.people for r in p.roles}
    removed = len(existing - wanted)
    if existing and removed > limit * len(existing):
        raise SnapshotRejected(
            f"the snapshot would remove {removed} of {len(existing)} directory roles;"
            " refused (set CO2CALC_DIRECTORY_FORCE=true to apply it anyway)"
        )


def guarded_sync(
    snapshot: DirectorySnapshot, *, force: bool | None = None, settings: Settings | None = None
) -> SyncReport:
    """``sync(snapshot)`` unless it would remove too many existing directory roles."""
    from co2calc.settings import get_settings

    settings = settings or get_settings()
    force = settings.directory_force if force is None else force
    return sync(snapshot, max_role_removal=None if force else settings.directory_max_role_removal)
