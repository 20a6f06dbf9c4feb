#!/usr/bin/env python3
"""Benchmark recalculation: recompute N entries after a factor change, print entries/s.

Usage: ``uv run python bench/recalc/run.py [--entries 1000000] [--batch 5000] [--keep]``

Runs on the test cluster (``co2calc.dev.services.LocalPostgres``, port 54339,
``.data/test/pg``) in a dedicated database ``co2calc_bench_recalc`` created
fresh and migrated. Entries are seeded with one COPY: a realistic mix of
flights (40 %), train journeys (15 %), spend-based purchases (25 %),
equipment (15 %) and cloud spend (5 %) over 200 units, each valid for the
engine's entry models. Then:

1. baseline: ``recalculate`` of the year (computes every entry, inserts rows);
2. a new factor set with plane factors × 1.1 is stored;
3. measured: ``recalculate`` of the year again (delete + insert of all emission
   rows, entry totals updated where they changed) → entries/s.

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

import psycopg  # noqa: E402
from psycopg.rows import dict_row  # noqa: E402

from co2calc.dev.services import LocalPostgres  # noqa: E402
from co2calc.factors import FactorSet, load_shipped_factor_set  # noqa: E402
from co2calc.factorstore import store_factor_set  # noqa: E402
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()

    cluster = LocalPostgres(ROOT / ".data" / "test" / "pg", port=54339)
    cluster.start()
    url = cluster.ensure_database(DB, fresh=True)
    migrate(url)

    def factory():
        return psycopg.connect(url, row_factory=dict_row)

    try:
        seed(url, args.entries)
        with factory() as conn:
            store_factor_set(conn, scaled(f"{YEAR}.bench1", Decimal(1)))
        base = recalculate(
            factory, year=YEAR, reason="bench baseline", batch_size=args.batch, writers=args.writers
        )
        print(
            f"baseline (insert)   {base['entries']:>9,} entries {base['seconds']:7.1f} s"
            f" {base['entries_per_s']:>8,} entries/s  invalid={base['invalid']}",
            flush=True,
        )
        with factory() as conn:
            store_factor_set(conn, scaled(f"{YEAR}.bench2", Decimal("1.1")))
        r = recalculate(
            factory,
            year=YEAR,
            reason="bench factor change",
            batch_size=args.batch,
            writers=args.writers,
        )
        print(
            f"after factor change {r['entries']:>9,} entries {r['seconds']:7.1f} s"
            f" {r['entries_per_s']:>8,} entries/s  (goal ≥ 50,000)",
            flush=True,
        )
        with factory() as conn:
            rows = conn.execute(
                "select count(*) as n, count(*) filter (where factor_version = %s) as v2"
                " from emission",
                (f"{YEAR}.bench2",),
            ).fetchone()
            flagged = conn.execute(
                "select count(*) as n from entry where flag_reason is not null"
            ).fetchone()["n"]
        print(f"emission rows {rows['n']:,} (new version {rows['v2']:,}), flagged {flagged:,}")
    finally:
        if not args.keep:
            cluster.drop_database(DB)


if __name__ == "__main__":
    main()
