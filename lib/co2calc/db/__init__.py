"""Database access: the connection pool, transactions and every SQL statement.

SQL lives only in this package (style: no SQL in handlers, calc or auth).
psycopg is imported on first use, not at import time, so a function's cold
start (and its /healthz) does not pay for the database driver.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = ["close_pool", "connection", "get_pool", "transaction"]


def get_pool():
    from co2calc.db.pool import get_pool as _get_pool

    return _get_pool()


def close_pool() -> None:
    import sys

    if "co2calc.db.pool" in sys.modules:
        sys.modules["co2calc.db.pool"].close_pool()


@contextmanager
def connection() -> Iterator[Connection]:
    from co2calc.db.pool import connection as _connection

    with _connection() as conn:
        yield conn


@contextmanager
def transaction(
    visible_units: Iterable[int] | None = None,
    *,
    all_units: bool = False,
    user_id: int | None = None,
) -> Iterator[Connection]:
    """One transaction with the caller's identity set for row-level security."""
    from co2calc.db.pool import transaction as _transaction

    with _transaction(visible_units, all_units=all_units, user_id=user_id) as conn:
        yield conn
