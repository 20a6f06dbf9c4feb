"""Where an import's time goes, statement by statement, in the seeded bench database.

    uv run python bench/ingest/steps.py [--rows 100000] [--module travel|purchases]
                                        [--variants all|base] [--profile]

Needs the database ``co2calc_bench`` left by ``bench/ingest/run.py --reuse`` (the
institution-scale seed). Builds ``--rows`` rows of the bench CSV with the real code
(parse → validate → compute → COPY text), timing each part in one thread, then
writes them in batches of ``import_batch_rows`` through the real write path
(``co2calc.ingest.bulk.write_rows``) as the application role, inside a
transaction that is rolled back, once per variant:

    base            the write path as it is (COPY straight into the tables as the
                    loader role of migration 0016)
    before 0014     migration 0014 undone in the transaction (foreign keys back)
    superuser       the same statements as the owner (no role switch)
    staging         the application role's own path: COPY into temporary staging
                    tables, then INSERT … SELECT (where the loader role is missing)
    -<index>        one index of entry/emission dropped inside the transaction
    no-indexes      every secondary index of entry and emission dropped

Times: the server's CPU seconds (from /proc: robust to other load on the
machine; best of ``--repeat`` interleaved runs) and wall seconds per statement.

and prints the seconds of each statement kind (staging COPY, INSERT … SELECT,
TRUNCATE) per table. ``--profile`` prints the top cProfile entries of the Python
part.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ingest
from _common import PG_PORT, cluster, use_database
from run import UNDO_0014  # bench/ingest/run.py


def _build(module: str, rows: int, profile: bool):
    """Parse, validate, compute and format ``rows`` rows as the importer does."""
    from run import purchases_csv, travel_csv

    from co2calc.db import ingest as isql
    from co2calc.db import transaction
    from co2calc.factors import load_shipped_factor_set
    from co2calc.factorstore import calc_context
    from co2calc.ingest.bulk import BulkTarget, build_rows
    from co2calc.ingest.columns import check_header, layout
    from co2calc.ingest.read import open_rows
    from co2calc.ingest.rows import RowValidator
    from co2calc.settings import get_settings

    year = 2025
    submodule = "plane" if module == "travel" else "consumables"
    if module == "travel":
        content = travel_csv(rows)
    else:
        codes = sorted(
            {
                f.key.split(":", 1)[1]
                for f in load_shipped_factor_set(year).factors
                if f.module == "purchases" and f.key.startswith("code:")
            }
        )
        content = purchases_csv(rows, codes or ["44121700"])
    batch = get_settings().import_batch_rows
    with transaction(all_units=True) as conn:
        unit_id = conn.execute("select id from org_unit where code = 'ENAC-CLIM-LAB1'").fetchone()[
            "id"
        ]
        reports = isql.reports_of_year(conn, year)
        ctx = calc_context(conn, year)
        t = {}
        prof = cProfile.Profile() if profile else None
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "f.csv"
            path.write_bytes(content)
            t0, c0 = time.perf_counter(), time.thread_time()
            if prof:
                prof.enable()
            fr = open_rows(path, "csv")
            lay = layout(module, submodule, False)
            validator = RowValidator(module, submodule, lay, check_header(fr.header, lay))
            entries = []
            for line, cells in fr.rows:
                entry, _, errors = validator.validate(line, cells)
                assert not errors, errors
                entries.append(entry)
            t["parse+validate"] = (time.perf_counter() - t0, time.thread_time() - c0)
            target = BulkTarget(year, module, submodule, import_job="bench-steps", actor=None)
            ids = list(range(10**12, 10**12 + len(entries)))  # never committed
            built = []
            t0, c0 = time.perf_counter(), time.thread_time()
            for i in range(0, len(entries), batch):
                items = [(e, unit_id, None) for e in entries[i : i + batch]]
                built.append(build_rows(conn, target, items, ids[i : i + batch], reports, ctx))
            t["compute+format"] = (time.perf_counter() - t0, time.thread_time() - c0)
            if prof:
                prof.disable()
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(25)
        print(s.getvalue())
    return built, t


class _Timed:
    """A connection wrapper summing the seconds of each statement kind."""

    def __init__(self, conn, sums):
        self._conn = conn
        self.sums = sums

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def execute(self, query, *a, **kw):
        t0 = time.perf_counter()
        r = self._conn.execute(query, *a, **kw)
        self._add(query, time.perf_counter() - t0)
        return r

    def cursor(self, *a, **kw):
        cur = self._conn.cursor(*a, **kw)
        timed = self

        class _Cur:
            def __getattr__(self, name):
                return getattr(cur, name)

            def copy(self, statement, *a, **kw):
                from contextlib import contextmanager

                @contextmanager
                def cm():
                    t0 = time.perf_counter()
                    with cur.copy(statement, *a, **kw) as c:
                        yield c
                    timed._add(statement, time.perf_counter() - t0)

                return cm()

        return _Cur()

    def _add(self, q, dt: float) -> None:
        if hasattr(q, "as_string"):  # psycopg.sql.Composed
            q = q.as_string(self._conn)
        words = q.replace('"', "").split()
        kind = words[0].lower()
        if kind == "copy":
            key = f"copy {words[1]}"
        elif kind == "insert":
            key = f"insert {words[2]}"
        elif kind in ("truncate", "create"):
            key = kind
        else:
            key = kind
        self.sums[key] = self.sums.get(key, 0.0) + dt


def _indexes(conn) -> list[tuple[str, str]]:
    rows = conn.execute(
        "select tablename, indexname from pg_indexes where tablename in ('entry', 'emission')"
        " and indexname not like '%%_pkey' order by tablename, indexname"
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def _write(dsn: str, built, variant: str, setup: list[str]) -> dict[str, float]:
    import psycopg

    from co2calc.db.ingest import can_copy_directly
    from co2calc.ingest.bulk import write_rows

    sums: dict[str, float] = {}
    with psycopg.connect(dsn) as conn:
        conn.execute("set statement_timeout = 0")
        for statement in setup:
            conn.execute(statement)
        if variant != "superuser":
            conn.execute("set role co2calc_app")
        conn.execute("select set_config('co2calc.visible_units', '*', true)")
        pid = conn.execute("select pg_backend_pid()").fetchone()[0]
        timed = _Timed(conn, sums)
        cpu0 = _backend_cpu(pid)
        t0 = time.perf_counter()
        direct = variant != "staging" and can_copy_directly(conn)
        for rows in built:
            write_rows(timed, rows, direct=direct)
        sums["total"] = time.perf_counter() - t0
        sums["server cpu"] = _backend_cpu(pid) - cpu0
        conn.rollback()
    return sums


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one server process: unlike wall time, not
    inflated by other processes on a loaded machine (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _foreign_keys(conn) -> list[str]:
    rows = conn.execute(
        "select conname from pg_constraint where contype = 'f'"
        " and conrelid in ('entry'::regclass, 'emission'::regclass) order by conname"
    ).fetchall()
    return [r[0] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--module", choices=("travel", "purchases"), default="travel")
    parser.add_argument("--variants", choices=("all", "base"), default="all")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-port", type=int, default=PG_PORT)
    args = parser.parse_args()
    pg = cluster(args.pg_port)
    dsn = pg.url("co2calc_bench")
    from co2calc.migrate import migrate

    migrate(dsn)  # this code's migrations (e.g. after a change of indexes)
    use_database(dsn)
    load = os.getloadavg()
    built, t = _build(args.module, args.rows, args.profile)
    n = args.rows
    print(f"load {load[0]:.2f} {load[1]:.2f}; {n:,} {args.module} rows")
    for k, (wall, cpu) in t.items():
        print(
            f"  python {k:<16} cpu {cpu:5.2f} s ({cpu / n * 1e6:5.1f} µs/row)  wall {wall:5.2f} s"
        )
    import psycopg

    with psycopg.connect(dsn) as conn:
        idx = _indexes(conn)
    with psycopg.connect(dsn) as conn:
        fks = _foreign_keys(conn)
    variants: list[tuple[str, list[str]]] = [
        ("base", []),
        ("before 0014", UNDO_0014),
        ("superuser", []),
        ("staging", []),
    ]
    if fks:
        variants.append(("-foreign keys", [f"alter table entry drop constraint {k}" for k in fks]))
    if args.variants == "all":
        variants += [(f"-{name}", [f"drop index {name}"]) for _, name in idx]
        variants.append(("no-indexes", [f"drop index {name}" for _, name in idx]))
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):  # interleaved: a load change hits every variant alike
        for label, drop in variants:
            sums = _write(dsn, built, label, drop)
            if label not in best or sums["server cpu"] < best[label]["server cpu"]:
                best[label] = sums
    print(
        f"write path, best of {args.repeat} by server CPU time (load {os.getloadavg()[0]:.2f});"
        " wall seconds per statement kind:"
    )
    base = best["base"]["server cpu"]
    for label, _ in variants:
        sums = best[label]
        total, cpu = sums["total"], sums["server cpu"]
        parts = "  ".join(
            f"{k} {v:.2f}" for k, v in sorted(sums.items()) if k not in ("total", "server cpu")
        )
        print(
            f"  {label:<28} server cpu {cpu:5.2f} s ({cpu - base:+.2f}) wall {total:5.2f} s"
            f" ({n / total:7,.0f} rows/s)  {parts}",
            flush=True,
        )
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    pg.stop()


if __name__ == "__main__":
    main()
