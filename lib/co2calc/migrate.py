"""Apply the ordered SQL migrations in ``co2calc/db/migrations`` with yoyo.

yoyo-migrations was chosen because it runs plain, ordered SQL files (no ORM,
no autogeneration), applies each in a transaction, records what ran in its own
table, takes a lock so two migration Jobs cannot race, and supports psycopg 3.

    python -m co2calc.migrate            # apply pending migrations
"""

from __future__ import annotations

import sys
from importlib.resources import files

from yoyo import get_backend, read_migrations

from co2calc.settings import get_settings

__all__ = ["migrate"]


def _yoyo_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def migrate(database_url: str | None = None) -> int:
    """Apply pending migrations; returns how many were applied."""
    url = database_url or get_settings().database_url.get_secret_value()
    backend = get_backend(_yoyo_url(url))
    migrations = read_migrations(str(files("co2calc.db") / "migrations"))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return len(pending)


if __name__ == "__main__":
    applied = migrate()
    print(f"applied {applied} migration(s)", file=sys.stderr)
