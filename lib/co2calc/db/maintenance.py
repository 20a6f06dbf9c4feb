"""SQL for housekeeping."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = ["expire"]


def expire(conn: Connection) -> dict[str, int]:
    sessions = conn.execute(
        "delete from user_session where absolute_expires_at < now() - interval '1 day'"
        " or idle_expires_at < now() - interval '1 day'"
        " or revoked_at < now() - interval '1 day'"
    ).rowcount
    flows = conn.execute("delete from login_flow where expires_at < now()").rowcount
    return {"sessions_deleted": sessions, "login_flows_deleted": flows}
