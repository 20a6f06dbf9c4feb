"""Server-side sessions: the cookie carries a random token, the database its hash.

One indexed lookup per request resolves the cookie into a ``Principal`` with
its roles expanded into unit scopes.
"""

from __future__ import annotations

import hashlib
import secrets

from werkzeug.wrappers import Request

from co2calc.auth.policy import Principal, RoleGrant
from co2calc.db import connection
from co2calc.db import sessions as sql
from co2calc.settings import get_settings

__all__ = [
    "SESSION_COOKIE",
    "end_session",
    "hash_token",
    "principal_for_user",
    "principal_from_request",
    "start_session",
]

SESSION_COOKIE = "co2calc_session"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for_user(
    conn,
    user_id: int,
    *,
    display_name: str = "",
    email: str | None = None,
    csrf_token: str | None = None,
    session_hash: str | None = None,
) -> Principal:
    roles = sql.roles_of_user(conn, user_id)
    member = {r["unit_id"] for r in roles if r["role"] == "standard"}
    managed = {r["unit_id"] for r in roles if r["role"] == "principal"}
    subtree_paths = [r["unit_path"] for r in roles if r["role"] == "affiliation"]
    return Principal(
        user_id=user_id,
        display_name=display_name,
        email=email,
        roles=tuple(RoleGrant(r["role"], r["unit_id"], r["unit_code"]) for r in roles),
        member_units=frozenset(member),
        managed_units=frozenset(managed),
        affiliation_units=frozenset(sql.expand_subtrees(conn, subtree_paths)),
        is_admin=any(r["role"] == "admin" for r in roles),
        csrf_token=csrf_token,
        session_hash=session_hash,
    )


def principal_from_request(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 128:
        return None
    token_hash = hash_token(token)
    with connection() as conn, conn.transaction():
        row = sql.load_session(conn, token_hash)
        if row is None:
            return None
        if row["stale"]:  # one write a minute per session, not one per request
            sql.touch_session(conn, token_hash, get_settings().session_idle_minutes)
        return principal_for_user(
            conn,
            row["user_id"],
            display_name=row["display_name"],
            email=row["email"],
            csrf_token=row["csrf_token"],
            session_hash=token_hash,
        )


def start_session(conn, user_id: int) -> tuple[str, str]:
    """Create a session; returns (cookie token, csrf token)."""
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    sql.create_session(
        conn,
        hash_token(token),
        user_id,
        csrf,
        settings.session_idle_minutes,
        settings.session_absolute_hours,
    )
    return token, csrf


def end_session(conn, token_hash: str) -> bool:
    return sql.revoke_session(conn, token_hash)
