"""Shared by the bench scripts: a throwaway PostgreSQL database to run against.

    from _common import throwaway_database      # with bench/ on sys.path
    with throwaway_database("co2calc_bench_api") as dsn:
        ...                                     # migrated, empty; dropped on exit

The cluster is ``co2calc.dev.services.LocalPostgres`` (Debian's server
binaries, run as ``postgres`` when root) in ``.data/bench/pg`` on 127.0.0.1:54359,
started if nothing listens there yet (and stopped again on exit if this call
started it); settings as the test cluster (fsync and synchronous_commit off) but with
``shared_buffers`` 2 GB, as a database server sized for the institution-scale dataset
would have (the seeded database takes 2.2 GB with its indexes; PostgreSQL's usual advice
is 25 % of the RAM, 6 GB on this 24 GiB machine). With the test cluster's 256 MB an
import's backend writes out dirty pages itself: bench/ingest/steps.py measured +0.5 s of
server CPU per 100,000 travel rows (2.85 → 3.39 s, same code).
``CO2CALC_BENCH_PG_PORT=54369`` selects another port (and ``.data/bench/pg-54369``),
so two benches started by different people do not stop each other's cluster.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".data" / "bench"
PG_PORT = int(os.environ.get("CO2CALC_BENCH_PG_PORT", "54359"))
if str(ROOT / "lib") not in sys.path:
    sys.path.insert(0, str(ROOT / "lib"))

__all__ = ["DATA", "PG_PORT", "ROOT", "cluster", "throwaway_database", "use_database"]


def cluster(port: int = PG_PORT):
    """The bench cluster (``LocalPostgres``), started."""
    from co2calc.dev.services import LocalPostgres

    datadir = DATA / ("pg" if port == 54359 else f"pg-{port}")
    pg = LocalPostgres(datadir, port=port, shared_buffers="2GB")
    pg.start()
    return pg


def use_database(dsn: str) -> None:
    """Point the library (settings, pool, cached factor contexts) at ``dsn``."""
    from co2calc.db import close_pool
    from co2calc.settings import get_settings

    os.environ["CO2CALC_DATABASE_URL"] = dsn
    get_settings.cache_clear()
    close_pool()


@contextmanager
def throwaway_database(
    name: str, *, port: int = PG_PORT, keep: bool = False, fresh: bool = True
) -> Iterator[str]:
    """A migrated database ``name`` on the bench cluster; its DSN. Dropped on exit unless
    ``keep`` (then also reused as is when ``fresh`` is False)."""
    from co2calc.migrate import migrate

    pg = cluster(port)
    dsn = pg.ensure_database(name, fresh=fresh)
    migrate(dsn)
    use_database(dsn)
    try:
        yield dsn
    finally:
        from co2calc.db import close_pool

        close_pool()
        if not keep:
            pg.drop_database(name)
        pg.stop()  # only if started here
