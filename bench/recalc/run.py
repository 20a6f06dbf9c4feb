#!/usr/bin/env python3
"""Benchmark recalculation: recompute N entries after a factor change, print entries/s.

Usage: ``uv run python bench/recalc/run.py [--entries 1000000] [--batch 5000] [--writers 2]
[--keep] [--no-vacuum] [--fillfactor ENTRY,EMISSION]``

Runs on the bench cluster (``bench/_common.py``: ``.data/bench/pg`` on port 54359,
``CO2CALC_BENCH_PG_PORT=54369`` → ``.data/bench/pg-54369``; started if stopped and
left running: someone else's bench may be using it by then) in a dedicated database
``co2calc_bench_recalc`` created fresh and migrated. Entries are seeded with one
COPY: a realistic mix of flights (40 %), train journeys (15 %), spend-based purchases (25 %),
equipment (15 %) and cloud spend (5 %) over 200 units, each valid for the
engine's entry models. Then:

1. baseline: ``recalculate`` of the year (computes every entry, inserts rows);
2. engine path: an annual update (new values for every factor a row carries, new
   uncertainties for electricity and trains) is stored and the year recomputed
   with scope ``all`` (every entry through the engine) → entries/s;
3. set-based path: the next annual update, recomputed with scope ``factors`` (as
   the factors function requests it): rows re-valued in SQL (flights priced with a
   class ratio included), the rest (none here) through the engine → entries/s.

Every seeded entry uses a changed factor, so all of them are affected by both
updates. Before each measured run entry/emission are vacuumed (``--no-vacuum``:
not), as autovacuum would have between two updates. Printed with each run: the
load average, the time breakdown and the CPU seconds of the PostgreSQL backends
and of this process (independent of how busy the shared machine is).

Goal: ≥ 50,000 entries/s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from _common import cluster as bench_cluster  # noqa: E402
from psycopg.rows import dict_row  # noqa: E402

from co2calc.factors import FactorSet, load_shipped_factor_set  # noqa: E402
from co2calc.factorstore import active_factor_set, store_factor_set  # noqa: E402
from co2calc.migrate import migrate  # noqa: E402
from co2calc.recalc import recalculate  # noqa: E402

DB = "co2calc_bench_recalc"
YEAR = 2025
UNITS = 200
AIRPORTS = [
    "GVA",
    "ZRH",
    "BSL",
    "LHR",
    "CDG",
    "FRA",
    "AMS",
    "MAD",
    "BCN",
    "FCO",
    "MUC",
    "VIE",
    "CPH",
    "ARN",
    "OSL",
    "HEL",
    "DUB",
    "LIS",
    "ATH",
    "IST",
    "JFK",
    "BOS",
    "SFO",
    "LAX",
    "ORD",
    "YUL",
    "YYZ",
    "NRT",
    "HND",
    "PEK",
    "PVG",
    "SIN",
    "HKG",
    "DXB",
    "DOH",
    "BKK",
    "SYD",
    "MEL",
    "GRU",
    "JNB",
]
STATIONS = [
    ("Genève", "CH"),
    ("Lausanne", "CH"),
    ("Bern", "CH"),
    ("Zürich HB", "CH"),
    ("Basel SBB", "CH"),
    ("Paris Gare de Lyon", "FR"),
    ("Praha hl.n.", "CZ"),
]
CODES = ["41100000", "41120000", "12000000", "43210000", "81110000"]
EQUIPMENT = ["Oscilloscopes", "Multimeters", "Power supplies", "Amplifiers", "Signal generators"]
CURRENCIES = ["CHF", "CHF", "CHF", "EUR", "USD", "GBP"]


class ServerCpu:
    """CPU seconds used by the PostgreSQL backends of the bench database (sampled from
    /proc every 0.1 s in a thread; a backend's last < 0.1 s may be missed): a figure
    that does not depend on how busy the shared machine is, unlike wall time."""

    def __init__(self) -> None:
        import os
        import threading

        self.tick = os.sysconf("SC_CLK_TCK")
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                if f" {DB} " not in (d / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    continue
                f = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[int(d.name)] = (int(f[11]) + int(f[12])) / self.tick

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            self._sample()

    def __enter__(self) -> ServerCpu:
        self._sample()
        self.start = dict(self.seen)
        self.client = time.process_time()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.client = time.process_time() - self.client
        self.server = sum(v - self.start.get(pid, 0.0) for pid, v in self.seen.items())

    def line(self, entries: int) -> str:
        return (
            f"  CPU: server {self.server:.1f} s ({self.server / entries * 1e6:.1f} µs/entry),"
            f" Python {self.client:.1f} s ({self.client / entries * 1e6:.1f} µs/entry)"
        )


def table_stats(url: str) -> dict[str, tuple[int, int, int]]:
    """``(rows updated, of which HOT, size in bytes)`` of entry and emission."""
    time.sleep(1)  # backends flush their statistics at most once a second
    with psycopg.connect(url) as conn:
        return {
            name: (upd, hot, size)
            for name, upd, hot, size in conn.execute(
                "select relname, n_tup_upd, n_tup_hot_upd, pg_table_size(relid)"
                " from pg_stat_user_tables where relname in ('entry', 'emission') order by 1"
            )
        }


def hot_line(before: dict, after: dict) -> str:
    """Updates of the run and how many were HOT (no index touched), table sizes after."""
    parts = []
    for name in ("entry", "emission"):
        upd = after[name][0] - before[name][0]
        hot = after[name][1] - before[name][1]
        share = f"{hot / upd:.0%}" if upd else "-"
        parts.append(f"{name} {upd:,} updates, {share} HOT, {after[name][2] / 2**20:,.0f} MB")
    return "  " + "; ".join(parts)


def uptime() -> str:
    """The load average (1, 5, 15 min): the machine is shared, say how busy it was."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def entry_data(rng: random.Random, i: int) -> tuple[str, str, dict]:
    p = rng.random()
    if p < 0.40:
        a, b = rng.sample(AIRPORTS, 2)
        return (
            "travel",
            "plane",
            {
                "origin": a,
                "destination": b,
                "trips": rng.randint(1, 3),
                "cabin_class": rng.choice(["economy"] * 8 + ["business", "premium_economy"]),
                "round_trip": rng.random() < 0.7,
                "traveller_id": f"P{rng.randint(100000, 999999)}",
                "date": f"{YEAR}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            },
        )
    if p < 0.55:
        (o, oc), (d, dc) = rng.sample(STATIONS, 2)
        return (
            "travel",
            "train",
            {
                "origin_name": o,
                "origin_country": oc,
                "destination_name": d,
                "destination_country": dc,
                "trips": rng.randint(1, 4),
                "travel_class": rng.choice(["1st", "2nd", "2nd"]),
                "round_trip": rng.random() < 0.6,
            },
        )
    if p < 0.80:
        return (
            "purchases",
            rng.choice(["it", "lab_consumables", "other"]),
            {
                "item": f"item {i}",
                "supplier": f"Supplier {rng.randint(1, 500)}",
                "quantity": str(rng.randint(1, 20)),
                "amount": f"{rng.uniform(10, 50000):.2f}",
                "currency": rng.choice(CURRENCIES),
                "purchase_code": rng.choice(CODES),
            },
        )
    if p < 0.95:
        return (
            "equipment",
            rng.choice(["scientific", "it", "other"]),
            {
                "inventory_id": f"INV{i}",
                "name": f"device {i}",
                "cls": rng.choice(EQUIPMENT),
                "active_hours_week": str(rng.randint(0, 60)),
                "standby_hours_week": str(rng.randint(0, 100)),
            },
        )
    return (
        "cloud-ai",
        "cloud",
        {
            "provider": rng.choice(["aws", "gcp", "azure"]),
            "service_type": rng.choice(["compute", "storage", "other"]),
            "amount": f"{rng.uniform(10, 20000):.2f}",
            "currency": rng.choice(CURRENCIES),
        },
    )


def seed(url: str, n: int) -> None:
    from co2calc.calc import validate_entry
    from co2calc.calc.tree import PURCHASE_SUBMODULES

    rng = random.Random(1)
    t = time.perf_counter()
    with psycopg.connect(url, row_factory=dict_row) as conn:
        conn.execute("select set_config('co2calc.visible_units', '*', false)")
        root = conn.execute(
            "insert into org_unit (code, name_en, name_fr, name_de, kind, level, path)"
            " values ('ROOT', 'Root', 'Racine', 'Wurzel', 'institution', 0, '/') returning id"
        ).fetchone()["id"]
        conn.execute("update org_unit set path = %s where id = %s", (f"/{root}/", root))
        for u in range(UNITS):
            uid = conn.execute(
                "insert into org_unit (code, name_en, name_fr, name_de, kind, parent_id, level,"
                " path) values (%s, %s, %s, %s, 'unit', %s, 1, '') returning id",
                (f"U{u}", f"Unit {u}", f"Unité {u}", f"Einheit {u}", root),
            ).fetchone()["id"]
            conn.execute("update org_unit set path = %s where id = %s", (f"/{root}/{uid}/", uid))
        conn.execute("insert into reporting_year (year) values (%s)", (YEAR,))
        conn.execute(
            "insert into report (unit_id, year) select id, %s from org_unit where kind = 'unit'",
            (YEAR,),
        )
        reports = [
            (r["id"], r["unit_id"])
            for r in conn.execute("select id, unit_id from report where year = %s", (YEAR,))
        ]
        # validate a pool of distinct entries once (as the API would), then cycle it
        pool = []
        for i in range(20_000):
            module, sub, data = entry_data(rng, i)
            if module == "purchases" and sub not in PURCHASE_SUBMODULES:
                sub = "other"
            model = validate_entry(module, sub, data)
            pool.append((module, sub, json.dumps(model.model_dump(mode="json", exclude_none=True))))
        with conn.cursor().copy(
            "copy entry (report_id, unit_id, year, module, submodule, data, source) from stdin"
        ) as copy:
            for i in range(n):
                report_id, unit_id = reports[i % len(reports)]
                module, sub, data = pool[i % len(pool)]
                copy.write_row((report_id, unit_id, YEAR, module, sub, data, "seed"))
        conn.execute("analyze entry")
    print(f"seeded {n:,} entries in {time.perf_counter() - t:.1f} s", flush=True)


def scaled(version: str, scale: Decimal) -> FactorSet:
    shipped = load_shipped_factor_set(YEAR)
    factors = [
        dataclasses.replace(f, value=f.value * scale)
        if f.module == "travel" and f.submodule == "plane" and f.key.startswith("band:")
        else f
        for f in shipped.factors
    ]
    return FactorSet.of(version, YEAR, shipped.gwp_set, factors)


def annual(version: str, previous: FactorSet, scale: Decimal) -> FactorSet:
    """An annual update: new values for every factor an emission row carries (so every
    seeded entry is affected) and new uncertainties for electricity and trains; class
    ratios, intensities, per-FTE quantities and conversions (factors read besides a
    row's own: see ``co2calc.recalc.auxiliary_of``) are kept."""
    from co2calc.recalc import auxiliary_of

    factors = []
    for f in previous.factors:
        if not auxiliary_of(f) and not f.key.startswith("ratio:"):
            f = dataclasses.replace(f, value=f.value * scale)
        if f.factor_id.startswith("train.") or f.key == "electricity":
            f = dataclasses.replace(f, uncertainty=f.uncertainty + Decimal("0.05"))
        factors.append(f)
    return FactorSet.of(version, YEAR, previous.gwp_set, factors)


def line(label: str, r: dict) -> str:
    return (
        f"{label:<34} {r['entries']:>9,} entries {r['seconds']:7.1f} s"
        f" {r['entries_per_s']:>8,} entries/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument(
        "--no-vacuum",
        action="store_true",
        help="do not VACUUM entry/emission before each measured run (back-to-back rewrites)",
    )
    ap.add_argument(
        "--fillfactor",
        metavar="ENTRY,EMISSION",
        help="set these fillfactors before seeding (e.g. 90,80: the layout before migration"
        " 0015, i.e. an existing database whose tables were not rewritten since)",
    )
    args = ap.parse_args()

    cluster = bench_cluster()
    print(f"cluster: {cluster.datadir} (port {cluster.port})", flush=True)
    url = cluster.ensure_database(DB, fresh=True)
    migrate(url)

    def factory():
        return psycopg.connect(url, row_factory=dict_row)

    def vacuum() -> None:
        """As autovacuum would have done between two factor updates (months apart): the
        dead row versions of the previous rewrite are reclaimed, so updates can stay on
        their page (HOT). Without it the bench measures back-to-back rewrites."""
        if args.no_vacuum:
            return
        t = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("vacuum (analyze) entry")
            conn.execute("vacuum (analyze) emission")
        print(f"  (vacuum before the measured run: {time.perf_counter() - t:.1f} s)", flush=True)

    if args.fillfactor:
        ff_entry, ff_emission = (int(x) for x in args.fillfactor.split(","))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"alter table entry set (fillfactor = {ff_entry})")
            conn.execute(f"alter table emission set (fillfactor = {ff_emission})")
    with psycopg.connect(url) as conn:
        ff = conn.execute(
            "select string_agg(relname || ' ' || coalesce(array_to_string(reloptions, ','),"
            " 'default'), ', ' order by relname) from pg_class"
            " where relname in ('entry', 'emission') and relkind = 'r'"
        ).fetchone()[0]
    print(f"tables: {ff}", flush=True)
    try:
        seed(url, args.entries)
        with factory() as conn:
            store_factor_set(conn, scaled(f"{YEAR}.bench1", Decimal(1)))
        print(f"load average: {uptime()}", flush=True)
        base = recalculate(
            factory, year=YEAR, reason="bench baseline", batch_size=args.batch, writers=args.writers
        )
        print(line("baseline (engine, insert)", base) + f"  invalid={base['invalid']}", flush=True)

        def annual_update(label: str, version: str, scale: str, **options) -> dict:
            """Store the next annual set (every factor × ``scale``), recalculate the year,
            print its rate, CPU and HOT lines."""
            with factory() as conn:
                previous = active_factor_set(conn, YEAR)
                store_factor_set(conn, annual(version, previous, Decimal(scale)))
            vacuum()
            stats = table_stats(url)
            with ServerCpu() as cpu:
                r = recalculate(
                    factory, year=YEAR, batch_size=args.batch, writers=args.writers, **options
                )
            print(line(label, r) + "  (goal ≥ 50,000)", flush=True)
            print(cpu.line(r["entries"]), flush=True)
            print(hot_line(stats, table_stats(url)), flush=True)
            return r

        # 1. the engine path: an annual update, every entry recomputed (scope "all")
        r = annual_update(
            "engine path (annual update)", f"{YEAR}.bench2", "1.05", reason="bench factor change"
        )
        print(
            f"  read {r['read_s']:.1f} s, compute {r['compute_s']:.1f} s (main thread),"
            f" waiting for writers {r['wait_writer_s']:.1f} s,"
            f" write {r['write_s']:.1f} s (summed over {args.writers} writers)",
            flush=True,
        )
        print(f"load average: {uptime()}", flush=True)
        # 2. the set-based path: the next annual update of every factor the entries use,
        #    requested as the factors function does (scope "factors")
        s = annual_update(
            "set-based path (annual update)",
            f"{YEAR}.bench3",
            "0.97",
            reason="bench annual update",
            scope="factors",
        )
        print(
            f"  affected entries {s['entries']:,}: {s['set_entries']:,} re-valued in SQL,"
            f" {s['engine_entries']:,} through the engine;"
            f" {s['set_rows']:,} rows re-valued, {s['totals_changed']:,} entry totals changed",
            flush=True,
        )
        print(
            f"  plan {s['plan_s']:.1f} s (one scan of the year's rows, {s['plan_rows']} plan keys),"
            f" SQL re-valuation {s['set_s']:.1f} s ({args.writers} connections),"
            f" engine remainder {s['seconds'] - s['plan_s'] - s['set_s']:.1f} s"
            f" (read {s['read_s']:.1f}, compute {s['compute_s']:.1f}, write {s['write_s']:.1f})",
            flush=True,
        )
        with factory() as conn:
            rows = conn.execute(
                "select count(*) as n, count(*) filter (where factor_version = %s) as v3"
                " from emission",
                (f"{YEAR}.bench3",),
            ).fetchone()
            flagged = conn.execute(
                "select count(*) as n from entry where flag_reason is not null"
            ).fetchone()["n"]
        print(f"emission rows {rows['n']:,} (new version {rows['v3']:,}), flagged {flagged:,}")
        print(f"load average: {uptime()}", flush=True)
    finally:
        if not args.keep:
            cluster.drop_database(DB)


if __name__ == "__main__":
    main()
