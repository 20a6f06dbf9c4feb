"""Institution-scale dataset for the benchmarks, written through the library's write paths.

    uv run python bench/seed/run.py [--dsn URL] [--units 500] [--years 3] [--entries 800000]
                                    [--reset]

Without ``--dsn`` (or ``CO2CALC_DATABASE_URL``) it uses the bench cluster
(``bench/_common.py``: ``.data/bench/pg``, port 54359) and its database
``co2calc_bench_seed``, migrated and kept. What it writes:

- the org tree: the demo directory (so the demo people keep their roles) plus
  generated faculties → institutes → labs, ``--units`` units of kind *unit* in
  all, through ``co2calc.directory.sync``;
- ``--years`` reporting years ending last year (``years_sql.create_year``, opened),
  a factor set for a year without a shipped one (the nearest shipped set,
  ``factorstore.store_factor_set``), the demo rooms and research facilities;
- about ``--entries`` entries over all eight modules (``co2calc.dev.seed.demo_entries``
  per unit-year, scaled by a per-unit size, plus extra purchases), each validated
  by its entry model, computed by the engine and COPY'd with its emission rows
  by ``co2calc.ingest.bulk`` — the importer's write path (source ``seed``).

Idempotent: years, units and rooms are upserts; when the years already hold
seeded entries nothing more is written unless ``--reset`` (which deletes the
seeded entries of those years first). Prints the time taken and rows/s.

Other benches: ``from run import seed`` (with ``bench/seed`` on ``sys.path``), or
``importlib`` — ``seed(dsn, units=…, years=…, entries=…) -> SeedSummary``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ (for _common)
from _common import throwaway_database, use_database

BATCH = 5000
DEFAULT_DB = "co2calc_bench_seed"
_ENTRY_SLOPE, _ENTRY_BASE = 50.8, 21.2  # entries per unit-year ≈ base + slope × size


@dataclass
class SeedSummary:
    dsn: str
    years: list[int]
    unit_ids: list[int]  # units with a report in every seeded year
    unit_codes: list[str]
    entries: int  # seeded entries now in the years
    emissions: int  # their emission rows
    by_module: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rows_per_s: float = 0.0  # (entries + emission rows) written per second
    entries_per_s: float = 0.0
    skipped: bool = False  # already seeded, nothing written


def institution_directory(units: int):
    """The demo directory plus generated labs: ``units`` units of kind *unit* in all."""
    from co2calc.demo import demo_directory
    from co2calc.directory.model import DirectorySnapshot, DirectoryUnit

    snap = demo_directory()
    out = list(snap.units)
    have = sum(u.kind == "unit" for u in out)
    root = next(u.code for u in out if u.kind == "institution")
    f = 0
    while have < units:
        f += 1
        fac = f"BF{f:02d}"
        out.append(DirectoryUnit(code=fac, kind="faculty", parent=root, names=_names("Faculty", f)))
        for i in range(1, 6):
            inst = f"{fac}-I{i}"
            out.append(
                DirectoryUnit(code=inst, kind="institute", parent=fac, names=_names("Institute", i))
            )
            for lab in range(1, 11):
                if have >= units:
                    break
                out.append(
                    DirectoryUnit(
                        code=f"{inst}-LAB{lab}",
                        kind="unit",
                        parent=inst,
                        names=_names(f"Lab {fac}-{i}", lab),
                    )
                )
                have += 1
    return DirectorySnapshot(units=out, people=snap.people)


def _names(what: str, n: int) -> dict[str, str]:
    return {"en": f"{what} {n}", "fr": f"{what} {n} (fr)", "de": f"{what} {n} (de)"}


def unit_entries(code: str, size: float, year: int, older: bool):
    """(module, submodule, data) of one unit-year: the demo mix plus extra purchases."""
    from co2calc.dev.seed import demo_entries

    rows = [
        (m, s, d)
        for m, s, d, _ in demo_entries(code, size, year, older, [f"{code}-P01", f"{code}-P02"])
    ]
    rnd = random.Random(f"purchases:{code}:{year}")
    codes = ("41100000", "41120000", "43210000", "81110000")
    subs = ("consumables", "it-equipment", "services", "scientific-equipment")
    for i in range(round(6 * size)):
        k = i % len(codes)
        rows.append(
            (
                "purchases",
                subs[k],
                {
                    "item": f"Item {i}",
                    "supplier": f"Supplier {rnd.randrange(200)}",
                    "quantity": 1 + rnd.randrange(5),
                    "amount": str(Decimal(rnd.randrange(1000, 2_000_000)) / 100),
                    "currency": rnd.choice(("CHF", "CHF", "EUR", "USD")),
                    "purchase_code": codes[k],
                },
            )
        )
    return rows


def _prepare(units: int, years: list[int]) -> tuple[dict[int, str], dict[int, dict]]:
    """Directory, years, factor sets, rooms and facilities; (unit id → code, year → reports)."""
    from co2calc.db import factors as factors_sql
    from co2calc.db import ingest as ingest_sql
    from co2calc.db import transaction
    from co2calc.db import units as units_sql
    from co2calc.db import years as years_sql
    from co2calc.dev.seed import FACILITIES, ROOMS
    from co2calc.directory import sync
    from co2calc.factors import FactorSet, FactorSetNotFoundError, load_shipped_factor_set
    from co2calc.factorstore import active_factor_set, store_factor_set
    from co2calc.modules import MODULES

    sync(institution_directory(units))
    with transaction(all_units=True) as conn:
        for year in years:
            years_sql.create_year(conn, year, None, MODULES)
            years_sql.set_status(conn, year, "open")
            try:
                active_factor_set(conn, year)
            except FactorSetNotFoundError:  # no shipped set: the nearest one, moved to the year
                shipped = None
                for y in sorted(range(year - 5, year + 6), key=lambda y: abs(y - year)):
                    try:
                        shipped = load_shipped_factor_set(y)
                        break
                    except FactorSetNotFoundError:
                        continue
                assert shipped is not None, f"no shipped factor set near {year}"
                store_factor_set(
                    conn,
                    FactorSet.of(f"{year}.seed", year, shipped.gwp_set, shipped.factors),
                    source_name="bench seed",
                )
            factors_sql.upsert_facilities(conn, year, FACILITIES)
        factors_sql.upsert_rooms(conn, ROOMS)
        codes = units_sql.unit_ids_by_code(conn)
        reports = {year: ingest_sql.reports_of_year(conn, year) for year in years}
    by_id = {uid: code for code, uid in codes.items()}
    unit_ids = sorted(set.intersection(*(set(reports[y]) for y in years)))
    return {uid: by_id[uid] for uid in unit_ids}, reports


def seed(
    dsn: str | None = None,
    *,
    units: int = 500,
    years: int | list[int] = 3,
    entries: int = 800_000,
    reset: bool = False,
    log=print,
) -> SeedSummary:
    """Seed the database at ``dsn`` (default: the library's configured one); idempotent.

    ``years``: how many years ending last year, or the list of years.
    """
    from co2calc.calc import validate_entry
    from co2calc.db import ingest as ingest_sql
    from co2calc.db import transaction
    from co2calc.factorstore import calc_context
    from co2calc.ingest.bulk import BulkTarget, write_entries
    from co2calc.settings import get_settings

    if dsn:
        use_database(dsn)
    dsn = get_settings().database_url.get_secret_value()
    if isinstance(years, int):
        last = time.gmtime().tm_year - 1
        years = list(range(last - years + 1, last + 1))
    started = time.perf_counter()
    unit_codes, reports = _prepare(units, years)
    with transaction(all_units=True) as conn:
        existing = ingest_sql.seeded_counts(conn, years)
        if existing["entries"] and reset:
            n = ingest_sql.delete_seeded(conn, years)
            log(f"reset: deleted {n:,} seeded entries of {years}")
            existing = ingest_sql.seeded_counts(conn, years)
    summary = SeedSummary(
        dsn=dsn,
        years=years,
        unit_ids=list(unit_codes),
        unit_codes=list(unit_codes.values()),
        entries=existing["entries"],
        emissions=existing["emissions"],
    )
    if existing["entries"]:
        summary.skipped = True
        log(f"already seeded: {existing['entries']:,} entries in {years} (--reset to redo)")
        return summary

    uy = len(unit_codes) * len(years)
    base = max(0.2, (entries / uy - _ENTRY_BASE) / _ENTRY_SLOPE) * 1.03
    rnd = random.Random(7)
    sizes = {uid: base * (0.5 + rnd.random()) for uid in unit_codes}
    t_write = time.perf_counter()
    n_entries = n_emissions = 0
    by_module: dict[str, int] = defaultdict(int)
    for y_index, year in enumerate(years):
        with transaction(all_units=True) as conn:
            ctx = calc_context(conn, year)
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for uid, code in unit_codes.items():
            for module, sub, data in unit_entries(code, sizes[uid], year, y_index == 0):
                groups[(module, sub)].append((validate_entry(module, sub, data), uid, None))
        for (module, sub), items in sorted(groups.items()):
            target = BulkTarget(year, module, sub, source="seed")
            for i in range(0, len(items), BATCH):
                with transaction(all_units=True) as conn:
                    rows = write_entries(conn, target, items[i : i + BATCH], reports[year], ctx)
                n_entries += rows.n_entries
                n_emissions += rows.n_emissions
                by_module[module] += rows.n_entries
        elapsed = time.perf_counter() - t_write
        log(
            f"{year}: {n_entries:,} entries, {n_emissions:,} emission rows so far"
            f" ({n_entries / elapsed:,.0f} entries/s)"
        )
    seconds = time.perf_counter() - started
    summary.entries, summary.emissions = n_entries, n_emissions
    summary.by_module = dict(by_module)
    summary.seconds = round(seconds, 1)
    summary.rows_per_s = round((n_entries + n_emissions) / seconds)
    summary.entries_per_s = round(n_entries / seconds)
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as owner:  # ANALYZE needs the tables' owner
        ingest_sql.analyze_entries(owner)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dsn", default=os.environ.get("CO2CALC_DATABASE_URL"))
    ap.add_argument("--units", type=int, default=500)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--entries", type=int, default=800_000)
    ap.add_argument("--reset", action="store_true", help="delete seeded entries first")
    args = ap.parse_args()
    kw = {"units": args.units, "years": args.years, "entries": args.entries, "reset": args.reset}
    if args.dsn:
        from co2calc.migrate import migrate

        migrate(args.dsn)
        summary = seed(args.dsn, **kw)
    else:
        with throwaway_database(DEFAULT_DB, keep=True, fresh=False) as dsn:
            summary = seed(dsn, **kw)
    out = asdict(summary)
    out["unit_ids"] = f"{len(summary.unit_ids)} ids ({summary.unit_ids[:3]}…)"
    out["unit_codes"] = f"{len(summary.unit_codes)} codes"
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
