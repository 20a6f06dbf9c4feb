"""SQL for the audit trail."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from psycopg import Connection

__all__ = ["insert", "list_audit"]


def _jsonable(value: Any) -> Any:
    return None if value is None else json.loads(json.dumps(value, default=str))


def insert(
    conn: Connection,
    *,
    actor_id: int | None,
    action: str,
    resource: str,
    resource_id: str,
    unit_id: int | None,
    before: Any,
    after: Any,
    request_id: str | None,
) -> None:
    from psycopg.types.json import Jsonb  # lazy: keeps cold starts small

    conn.execute(
        "insert into audit_log (actor_id, action, resource, resource_id, unit_id, before,"
        " after, request_id) values (%s, %s, %s, %s, %s, %s, %s, %s)",
        (
            actor_id,
            action,
            resource,
            resource_id,
            unit_id,
            None if before is None else Jsonb(_jsonable(before)),
            None if after is None else Jsonb(_jsonable(after)),
            request_id,
        ),
    )


def list_audit(
    conn: Connection,
    *,
    resource: str | None,
    unit_id: int | None,
    actor_id: int | None,
    limit: int,
    offset: int,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Audit rows, newest first; ``since`` inclusive, ``until`` exclusive."""
    where, args = ["true"], []
    for column, value in (
        ("a.resource", resource),
        ("a.unit_id", unit_id),
        ("a.actor_id", actor_id),
        ("a.action", action),
    ):
        if value is not None:
            where.append(f"{column} = %s")
            args.append(value)
    if since is not None:
        where.append("a.at >= %s")
        args.append(since)
    if until is not None:
        where.append("a.at < %s")
        args.append(until)
    rows = conn.execute(
        "select a.*, u.display_name as actor_name, count(*) over () as total from audit_log a"
        " left join app_user u on u.id = a.actor_id where "
        + " and ".join(where)
        + " order by a.id desc limit %s offset %s",
        [*args, limit, offset],
    ).fetchall()
    return rows, (rows[0]["total"] if rows else 0)
