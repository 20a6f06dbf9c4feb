"""One small psycopg pool per process, opened lazily.

Short-lived functions scale to zero, so the pool starts with at most one
connection, grows to the container concurrency (``THREADS``), checks a
connection before handing it out again, and gives up quickly when the database
is unreachable instead of hanging a request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from co2calc.settings import get_settings

__all__ = ["close_pool", "connection", "get_pool", "transaction"]

_pool: ConnectionPool | None = None
_lock = threading.Lock()


def _act_as_app_role(conn: Connection) -> None:
    """SET ROLE to the application role when it exists and we may (see 0011_app_role.sql)."""
    role = get_settings().db_role
    if role:
        row = conn.execute(
            "select pg_has_role(current_user, oid, 'MEMBER') as ok from pg_roles"
            " where rolname = %s",
            (role,),
        ).fetchone()
        if row and row["ok"]:
            conn.execute(f'set role "{role}"')
    conn.commit()


def get_pool() -> ConnectionPool:
    """The process's pool, created on first use."""
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                settings = get_settings()
                _pool = ConnectionPool(
                    settings.database_url.get_secret_value(),
                    min_size=settings.db_pool_min,
                    max_size=settings.db_pool_max or settings.threads,
                    timeout=settings.db_connect_timeout_s,
                    kwargs={
                        "connect_timeout": max(1, int(settings.db_connect_timeout_s)),
                        "row_factory": dict_row,
                        "application_name": f"co2calc-{settings.function_name}",
                        "options": f"-c statement_timeout={int(settings.db_statement_timeout_ms)}",
                    },
                    configure=_act_as_app_role,
                    check=ConnectionPool.check_connection,
                    name=f"co2calc-{settings.function_name}",
                    open=True,
                )
    return _pool


def close_pool() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.close()
            _pool = None


@contextmanager
def connection() -> Iterator[Connection]:
    with get_pool().connection() as conn:
        yield conn


@contextmanager
def transaction(
    visible_units: Iterable[int] | None = None,
    *,
    all_units: bool = False,
    user_id: int | None = None,
) -> Iterator[Connection]:
    """One transaction with the caller's identity set for row-level security.

    ``all_units`` is for global admins and trusted system jobs; otherwise only
    the rows of ``visible_units`` pass the RLS policies.
    """
    with get_pool().connection() as conn, conn.transaction():
        units = "*" if all_units else ",".join(str(int(u)) for u in (visible_units or ()))
        conn.execute(
            "select set_config('co2calc.visible_units', %s, true),"
            " set_config('co2calc.user_id', %s, true)",
            (units, "" if user_id is None else str(user_id)),
        )
        yield conn
