"""SQL for users, role assignments and server-side sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "create_session",
    "expand_subtrees",
    "load_session",
    "revoke_session",
    "roles_of_user",
    "touch_session",
    "upsert_user",
]


def load_session(conn: Connection, token_hash: str) -> dict[str, Any] | None:
    """The live session with its user, or None if unknown, revoked or expired."""
    return conn.execute(
        """
        select s.token_hash, s.user_id, s.csrf_token, s.last_seen_at,
               s.last_seen_at < now() - interval '1 minute' as stale,
               u.display_name, u.email
          from user_session s join app_user u on u.id = s.user_id
         where s.token_hash = %s and s.revoked_at is null
           and s.idle_expires_at > now() and s.absolute_expires_at > now()
        """,
        (token_hash,),
    ).fetchone()


def touch_session(conn: Connection, token_hash: str, idle_minutes: int) -> None:
    """Slide the idle expiry (at most once a minute: ``load_session``'s ``stale``)."""
    conn.execute(
        """
        update user_session
           set last_seen_at = now(),
               idle_expires_at = least(now() + make_interval(mins => %s), absolute_expires_at)
         where token_hash = %s and last_seen_at < now() - interval '1 minute'
        """,
        (idle_minutes, token_hash),
    )


def create_session(
    conn: Connection,
    token_hash: str,
    user_id: int,
    csrf_token: str,
    idle_minutes: int,
    absolute_hours: int,
) -> None:
    conn.execute(
        """
        insert into user_session (token_hash, user_id, csrf_token, idle_expires_at,
                                  absolute_expires_at)
        values (%s, %s, %s, now() + make_interval(mins => %s), now() + make_interval(hours => %s))
        """,
        (token_hash, user_id, csrf_token, idle_minutes, absolute_hours),
    )


def revoke_session(conn: Connection, token_hash: str) -> bool:
    cur = conn.execute(
        "update user_session set revoked_at = now() where token_hash = %s and revoked_at is null",
        (token_hash,),
    )
    return cur.rowcount == 1


def roles_of_user(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        """
        select r.role, r.unit_id, u.code as unit_code, u.path as unit_path
          from app_user a
          join role_assignment r on r.person_id = a.person_id
          join directory_person d on d.person_id = r.person_id and d.active
          left join org_unit u on u.id = r.unit_id
         where a.id = %s and (u.id is null or u.active)
         order by r.role, r.unit_id
        """,
        (user_id,),
    ).fetchall()


def expand_subtrees(conn: Connection, paths: list[str]) -> list[int]:
    """Ids of every unit under the given materialised paths (inclusive)."""
    if not paths:
        return []
    rows = conn.execute(
        "select id from org_unit where path like any(%s)",
        ([p + "%" for p in paths],),
    ).fetchall()
    return [r["id"] for r in rows]


def upsert_user(
    conn: Connection,
    tenant_id: str,
    object_id: str,
    display_name: str,
    email: str | None,
    person_id: str | None = None,
    login_at: datetime | None = None,
) -> int:
    row = conn.execute(
        """
        insert into app_user (tenant_id, object_id, display_name, email, person_id, last_login_at)
        values (%s, %s, %s, %s, %s, %s)
        on conflict (tenant_id, object_id) do update
           set display_name = excluded.display_name, email = excluded.email,
               person_id = coalesce(excluded.person_id, app_user.person_id),
               last_login_at = coalesce(excluded.last_login_at, app_user.last_login_at)
        returning id
        """,
        (tenant_id, object_id, display_name, email, person_id, login_at),
    ).fetchone()
    return row["id"]
