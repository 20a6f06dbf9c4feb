#!/usr/bin/env python3
"""Benchmark the calculation engine on ≥1,000,000 mixed entries.

Usage: ``uv run python bench/calc/run.py [--entries 1000000] [--seed 1]``

Entries are validated once at the boundary (a pool of distinct pydantic models
per submodule, cycled to the requested count), then ``compute`` runs on them —
as the recalculation job does. For each module it prints entries/s (timed
without tracing) and the peak traced memory while computing the module's
batch and keeping its emission rows (tracemalloc, second pass), plus the
process's max RSS. Airports come from ``airportsdata`` (dev dependency) when
installed; stations, rooms and the power table are synthetic.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lib"))

from co2calc.calc import CalcContext, FacilityRef, RoomRef, compute, validate_entry
from co2calc.factors import load_shipped_factor_set


@dataclass(frozen=True)
class _Point:
    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Power:
    cls: str
    subclass: str | None
    active_w: D
    standby_w: D


def _airports(rng: random.Random) -> dict[str, _Point]:
    try:
        import airportsdata

        data = airportsdata.load("IATA")
        codes = sorted(
            c
            for c, a in data.items()
            if a["country"]
            in {"CH", "FR", "DE", "GB", "US", "IT", "ES", "JP", "CN", "BR", "AU", "CA"}
        )
        return {
            c: _Point(c, data[c]["country"], float(data[c]["lat"]), float(data[c]["lon"]))
            for c in rng.sample(codes, 400)
        }
    except ImportError:
        return {
            f"A{i:02d}"[:3].upper(): _Point("x", "CH", rng.uniform(-60, 70), rng.uniform(-180, 180))
            for i in range(100)
        }


def _build(n: int, seed: int) -> tuple[CalcContext, dict[str, tuple[str, str, list]], dict]:
    rng = random.Random(seed)
    airports = _airports(rng)
    countries = ["CH"] * 6 + ["FR", "DE", "IT", "AT", "CZ"]
    stations = [
        _Point(f"S{i}", rng.choice(countries), rng.uniform(44, 52), rng.uniform(2, 16))
        for i in range(2000)
    ]
    power = [
        _Power(f"C{i}", None, D(rng.randint(5, 1500)), D(rng.randint(0, 200))) for i in range(200)
    ]
    rooms = [
        RoomRef(
            f"B{i % 50}",
            f"R{i}",
            D(rng.randint(10, 300)),
            rng.choice(["office", "laboratory", "archive", "library", "auditorium"]),
            rng.choice(["district_heating", "natural_gas"]),
        )
        for i in range(5000)
    ]
    fx = {(2024, "CHF"): D("0.952626"), (2024, "USD"): D("1.082380")}
    hicp = {2019: D("104.80"), 2023: D("123.15"), 2024: D("126.07")}
    facilities = [FacilityRef("F1", D(2000), "hours", {"total": D(50000)})]
    ctx = CalcContext.build(
        load_shipped_factor_set(2024),
        2024,
        airports=airports,
        stations=stations,
        power_table=power,
        fx=fx,
        hicp=hicp,
        rooms=rooms,
        facilities=facilities,
    )
    codes = list(airports)
    cabins = ["economy"] * 8 + ["business", "premium_economy", "first"]
    gen: dict[str, tuple[str, str, float, Callable[[], dict]]] = {
        "plane": (
            "travel",
            "plane",
            0.35,
            lambda: dict(
                zip(("origin", "destination"), rng.sample(codes, 2), strict=True),
                trips=rng.randint(1, 3),
                cabin_class=rng.choice(cabins),
                round_trip=rng.random() < 0.7,
            ),
        ),
        "train": (
            "travel",
            "train",
            0.20,
            lambda: (
                lambda a, b: dict(
                    origin_name=a.name,
                    origin_country=a.country,
                    destination_name=b.name,
                    destination_country=b.country,
                    round_trip=rng.random() < 0.7,
                )
            )(*rng.sample(stations, 2)),
        ),
        "purchases": (
            "purchases",
            "consumables",
            0.15,
            lambda: dict(
                item="x",
                amount=str(rng.randint(10, 100000)),
                currency=rng.choice(["CHF", "EUR", "USD"]),
                purchase_code=rng.choice(["41100000", "41120000", "12000000"]),
                nacres_code=rng.choice([None, "NB01", "NA02"]),
            ),
        ),
        "equipment": (
            "equipment",
            "scientific",
            0.15,
            lambda: dict(
                inventory_id="i",
                name="n",
                cls=rng.choice(power).cls,
                active_hours_week=rng.randint(0, 80),
                standby_hours_week=rng.randint(0, 80),
            ),
        ),
        "rooms": (
            "buildings",
            "rooms",
            0.03,
            lambda: (
                lambda r: dict(
                    building=r.building, room=r.room, share=str(rng.choice([1, 0.5, 0.25]))
                )
            )(rng.choice(rooms)),
        ),
        "ai": (
            "cloud-ai",
            "ai",
            0.04,
            lambda: dict(
                provider="p",
                use=rng.choice(["text", "code", "image"]),
                user_fte=str(rng.randint(1, 20)),
                requests_band=rng.choice(["1-5", "5-20", "20-100", ">100"]),
            ),
        ),
        "cloud": (
            "cloud-ai",
            "cloud",
            0.02,
            lambda: dict(
                provider="p",
                service_type="compute",
                amount=str(rng.randint(1, 5000)),
                currency="CHF",
            ),
        ),
        "gas": (
            "process-emissions",
            "gas",
            0.02,
            lambda: dict(
                gas=rng.choice(["CO2", "R410A", "SF6", "R134a"]), kg_emitted=str(rng.randint(0, 9))
            ),
        ),
        "headcount": (
            "headcount",
            "members",
            0.04,
            lambda: dict(
                name="n", staff_category="53", person_id="p", fte=str(rng.choice([1, 0.5, 0.8]))
            ),
        ),
    }
    batches: dict[str, tuple[str, str, list]] = {}
    for name, (module, sub, share, make) in gen.items():
        count = max(1, int(n * share))
        pool = [validate_entry(module, sub, make()) for _ in range(min(count, 20000))]
        batches[name] = (module, sub, [pool[i % len(pool)] for i in range(count)])
    return ctx, batches, {"airports": len(airports), "stations": len(stations)}


def main() -> int:
    parser = argparse.ArgumentParser(description="co2calc calculation benchmark")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    ctx, batches, info = _build(args.entries, args.seed)
    total_entries = sum(len(b[2]) for b in batches.values())
    print(
        f"built {total_entries:,} validated entries in {time.perf_counter() - t0:.1f}s "
        f"({info['airports']} airports, {info['stations']} stations)"
    )
    print(
        f"{'module':<11}{'entries':>10}{'seconds':>9}{'entries/s':>12}{'rows':>10}"
        f"{'flagged':>9}{'peak MiB':>10}"
    )
    grand_t = 0.0
    travel_n, travel_t = 0, 0.0
    for name, (module, sub, entries) in batches.items():
        start = time.perf_counter()
        rows = flagged = 0
        for e in entries:
            r = compute(module, sub, e, ctx)
            rows += len(r.rows)
            flagged += r.flag is not None
        elapsed = time.perf_counter() - start
        grand_t += elapsed
        if module == "travel":
            travel_n, travel_t = travel_n + len(entries), travel_t + elapsed
        tracemalloc.start()
        kept = [compute(module, sub, e, ctx).rows for e in entries]
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        del kept
        print(
            f"{name:<11}{len(entries):>10,}{elapsed:>9.2f}{len(entries) / elapsed:>12,.0f}"
            f"{rows:>10,}{flagged:>9,}{peak:>10.1f}"
        )
    print(f"{'all':<11}{total_entries:>10,}{grand_t:>9.2f}{total_entries / grand_t:>12,.0f}")
    print(f"travel (plane+train): {travel_n / travel_t:,.0f} entries/s on one core")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:,.0f} MiB (entries, rows kept per module, interpreter)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
