"""Database access: the connection pool, transactions and every SQL statement.

SQL lives only in this package (style: no SQL in handlers, calc or auth).
"""

from co2calc.db.pool import close_pool, connection, get_pool, transaction

__all__ = ["close_pool", "connection", "get_pool", "transaction"]
