"""The audit trail: who changed what, when, before and after, under which request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from co2calc.db import audit as sql

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.http.context import RequestContext

__all__ = ["record"]


def record(
    conn: Connection,
    ctx: RequestContext | None,
    action: str,
    resource: str,
    resource_id: Any,
    *,
    unit_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Write one audit row in the caller's transaction (so it commits or rolls back with it)."""
    sql.insert(
        conn,
        actor_id=getattr(ctx and ctx.principal, "user_id", None),
        action=action,
        resource=resource,
        resource_id=str(resource_id),
        unit_id=unit_id,
        before=before,
        after=after,
        request_id=ctx.request_id if ctx else None,
    )
