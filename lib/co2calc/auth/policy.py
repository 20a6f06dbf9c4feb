"""The one authorisation policy, used by every function (product spec §3).

Scopes: *own* (rows whose owner is the caller, in one unit), *unit*,
*affiliation* (every unit under one org node) and *global*. A person may
hold several roles; permissions are their union.

Functions check ``can(...)`` on the resource actually touched (the unit and
owner read from the row, not from the URL); PostgreSQL row-level security
(``co2calc.visible_units``) is the second line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["OWN_SCOPE_MODULES", "Action", "Principal", "RoleGrant", "can"]

# Modules where standard members may read/write their own rows.
OWN_SCOPE_MODULES = frozenset({"travel", "cloud-ai"})


class Action(StrEnum):
    READ_RESULTS = "results.read"
    READ_ENTRIES = "entries.read"
    WRITE_ENTRIES = "entries.write"
    UPLOAD = "upload"
    VALIDATE = "validate"  # validate module, sign off year
    REPORTING = "reporting"  # cross-unit reporting and exports
    ADMIN = "admin"  # years, factors, reference data, recalculation, jobs
    AUDIT = "audit"


@dataclass(frozen=True, slots=True)
class RoleGrant:
    role: str  # standard | principal | affiliation | admin
    unit_id: int | None
    unit_code: str | None = None


@dataclass(frozen=True)
class Principal:
    user_id: int
    display_name: str = ""
    email: str | None = None
    roles: tuple[RoleGrant, ...] = ()
    member_units: frozenset[int] = frozenset()  # standard
    managed_units: frozenset[int] = frozenset()  # principal
    affiliation_units: frozenset[int] = frozenset()  # expanded subtrees
    is_admin: bool = False
    csrf_token: str | None = None
    session_hash: str | None = field(default=None, repr=False)

    @property
    def visible_units(self) -> frozenset[int]:
        return self.member_units | self.managed_units | self.affiliation_units

    def sees_all(self) -> bool:
        return self.is_admin


def can(
    p: Principal,
    action: Action,
    unit_id: int | None = None,
    *,
    module: str | None = None,
    owner_user_id: int | None = None,
) -> bool:
    """May ``p`` do ``action`` on the resource of ``unit_id`` (and ``owner_user_id``)?"""
    if p.is_admin:
        return True
    if action in (Action.ADMIN, Action.AUDIT):
        return False
    if action is Action.REPORTING:
        return bool(p.affiliation_units) and (unit_id is None or unit_id in p.affiliation_units)
    if unit_id is None:
        return False
    manager = unit_id in p.managed_units
    if action is Action.READ_RESULTS:
        return unit_id in p.visible_units
    if action in (Action.UPLOAD, Action.VALIDATE):
        return manager
    own = (
        module in OWN_SCOPE_MODULES
        and owner_user_id is not None
        and owner_user_id == p.user_id
        and unit_id in p.member_units
    )
    if action is Action.READ_ENTRIES:
        return manager or unit_id in p.affiliation_units or own
    if action is Action.WRITE_ENTRIES:
        return manager or own
    return False
