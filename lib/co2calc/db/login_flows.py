"""SQL for pending OIDC login flows (single use, short-lived) and sign-in helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg.types.json import Jsonb

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "consume_flow",
    "create_flow",
    "flow_state",
    "revoke_sessions_of_user",
    "unlink_person",
]


def create_flow(
    conn: Connection, state: str, flow: dict[str, Any], return_to: str, ttl_minutes: int
) -> None:
    conn.execute(
        "insert into login_flow (state, flow, return_to, expires_at)"
        " values (%s, %s, %s, now() + make_interval(mins => %s))",
        (state, Jsonb(flow), return_to, ttl_minutes),
    )


def consume_flow(conn: Connection, state: str) -> dict[str, Any] | None:
    """Atomically mark the flow used and return it; None if unknown, used or expired."""
    return conn.execute(
        "update login_flow set used_at = now()"
        " where state = %s and used_at is null and expires_at > now()"
        " returning flow, return_to",
        (state,),
    ).fetchone()


def flow_state(conn: Connection, state: str) -> str:
    """Why a flow could not be consumed: 'unknown', 'used' or 'expired'."""
    row = conn.execute(
        "select used_at is not null as used, expires_at <= now() as expired"
        " from login_flow where state = %s",
        (state,),
    ).fetchone()
    if row is None:
        return "unknown"
    return "used" if row["used"] else "expired"


def revoke_sessions_of_user(conn: Connection, user_id: int) -> int:
    cur = conn.execute(
        "update user_session set revoked_at = now() where user_id = %s and revoked_at is null",
        (user_id,),
    )
    return cur.rowcount


def unlink_person(conn: Connection, person_id: str, tenant_id: str, object_id: str) -> list[int]:
    """Detach ``person_id`` from any other account and revoke that account's sessions.

    The person id claim of a validated token wins: a person who comes back with a
    new (tenant, subject) keeps their roles, and the old account loses them.
    """
    rows = conn.execute(
        "update app_user set person_id = null where person_id = %s"
        " and not (tenant_id = %s and object_id = %s) returning id",
        (person_id, tenant_id, object_id),
    ).fetchall()
    ids = [r["id"] for r in rows]
    if ids:
        conn.execute(
            "update user_session set revoked_at = now()"
            " where user_id = any(%s) and revoked_at is null",
            (ids,),
        )
    return ids
