"""Who may read and write which entries (on top of ``co2calc.auth.policy.can``).

Scopes returned: ``"all"`` (every row of the unit) or ``"own"`` (rows owned by
the caller, own-scope modules only). Writes also need the report not signed
off and the year open (``reporting_year.status = 'open'``) unless the caller
is a global admin, who may prepare data in a draft year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from co2calc.auth.policy import Action, Principal, can
from co2calc.db import entries as sql
from co2calc.http.errors import Conflict, Forbidden, ValidationFailed

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.entries.spec import ModuleSpec

__all__ = ["check_row", "check_writable", "read_scope", "resolve_owner", "write_scope"]

Scope = Literal["all", "own"]


def read_scope(p: Principal, spec: ModuleSpec, unit_id: int) -> Scope:
    if can(p, Action.READ_ENTRIES, unit_id, module=spec.module):
        return "all"
    if spec.own_scope and unit_id in p.member_units:
        return "own"
    raise Forbidden(f"You may not see this unit's {spec.module} entries.")


def write_scope(p: Principal, spec: ModuleSpec, unit_id: int) -> Scope:
    if not spec.unit_writable and not p.is_admin:
        raise Forbidden(f"{spec.module} entries are loaded by administrators.")
    if can(p, Action.WRITE_ENTRIES, unit_id, module=spec.module):
        return "all"
    if spec.own_scope and unit_id in p.member_units:
        return "own"
    raise Forbidden(f"You may not change this unit's {spec.module} entries.")


def check_row(p: Principal, spec: ModuleSpec, row: dict[str, Any], *, write: bool) -> None:
    """Authorise on the row as stored: its unit and its owner."""
    action = Action.WRITE_ENTRIES if write else Action.READ_ENTRIES
    if write and not spec.unit_writable and not p.is_admin:
        raise Forbidden(f"{spec.module} entries are loaded by administrators.")
    if not can(p, action, row["unit_id"], module=spec.module, owner_user_id=row["owner_user_id"]):
        raise Forbidden("This entry belongs to someone else." if write else "Not your entry.")


def check_writable(p: Principal, report: dict[str, Any]) -> None:
    status = report.get("report_status", report.get("status"))
    if status == "signed_off":
        raise Conflict("The report is signed off; its entries can no longer change.")
    if report["year_status"] != "open" and not p.is_admin:
        raise Conflict(f"Year {report['year']} is not open for data entry.")


def _field_error(field: str, message: str, kind: str = "value_error") -> ValidationFailed:
    return ValidationFailed(
        message,
        errors=[
            {"loc": ["body", *field.split(".")], "field": field, "type": kind, "message": message}
        ],
    )


def resolve_owner(
    conn: Connection,
    p: Principal,
    spec: ModuleSpec,
    scope: Scope,
    data: dict[str, Any],
    requested: int | None,
    current: int | None = None,
) -> tuple[int | None, dict[str, Any]]:
    """(owner_user_id, data) of a row being written; see ``co2calc.entries.spec``."""
    if not spec.own_scope:
        return None, data
    field = spec.owner_field
    if scope == "own":
        if requested is not None and requested != p.user_id:
            raise Forbidden("You may only enter your own rows.")
        if field is not None:
            mine = sql.person_id_of(conn, p.user_id)
            named = data.get(field)
            if named in (None, ""):
                data = data | {field: mine}
            elif str(named) != mine:
                raise Forbidden("You may only enter your own journeys.")
        return p.user_id, data
    if requested is not None:
        if not sql.user_exists(conn, requested):
            raise _field_error("owner_user_id", "no such user")
        return requested, data
    named = data.get(field) if field is not None else None
    if named not in (None, ""):
        return sql.user_by_person_id(conn, str(named)), data
    return (current if current is not None else p.user_id), data
