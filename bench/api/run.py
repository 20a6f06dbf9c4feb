"""API latency under load, through the gateway, on the institution-scale dataset.

    uv run python bench/api/run.py [--seconds 30] [--clients 50] [--think 1.0]
                                   [--workers 2] [--threads 8] [--units 500] [--entries 800000]
                                   [--database co2calc_bench_api] [--keep]

1. A bench database (``bench/_common.py``: ``.data/bench/pg``, port 54359) seeded by
   ``bench/seed`` (≥ 500 units, 3 years, ≥ 800,000 entries over all modules; reused
   with ``--keep`` on the next run).
2. A principal per unit for 50 units (and the demo principal of ENAC-CLIM-LAB1),
   applied through the directory sync; a server-side session each.
3. The dev gateway in its own process with every function (gunicorn, ``--workers``
   processes × ``--threads`` threads, as a Knative revision would serve them).
4. Closed-loop load (``bench/api/load.py``): ``--clients`` concurrent clients for
   ``--seconds`` each, in two modes: **users** (each client pauses ``--think`` s on
   average between requests, uniformly from half to 1.5 times that, as a person
   reading a page does; the latency goals are about this mode) and **capacity** (no
   pause: every client sends back to back, the machine saturates and latency is
   queueing, p50 ≈ clients / throughput). Three runs per mode:
     reference  GET /healthz
     spread     every client is the principal of another unit
     single     every client works on the same unit (ENAC-CLIM-LAB1)
   mixing: list (a page of 50 plane entries, sorted by emissions), results (the
   unit-year results), create (a plane entry, computed inline) and airport
   autocomplete. Prints p50/p95/p99 and requests per second per operation.

Goals (issue #5): p95 < 50 ms for list and results, < 80 ms for create;
autocomplete p95 < 20 ms. The load generator runs on the same machine (2 cores
here): the figures include its share of the CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # bench/ (for _common)
from _common import ROOT, throwaway_database  # noqa: E402
from load import Op, run_load  # noqa: E402  (bench/api, the script's own folder)


def _bench_seed():
    """bench/seed/run.py as a module (its file name clashes with this one's)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_seed", HERE.parent / "seed" / "run.py")
    if "bench_seed" not in sys.modules:
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_seed"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["bench_seed"]


AIRPORT_PREFIXES = ["GEN", "ZUR", "LON", "PAR", "GVA", "BER", "NEW", "LAX", "MAD", "ROM", "Lis"]
FLIGHTS = [("GVA", "LHR"), ("ZRH", "JFK"), ("GVA", "BCN"), ("ZRH", "BER"), ("GVA", "CDG")]
SINGLE_UNIT = "ENAC-CLIM-LAB1"
PRINCIPALS = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def principals(summary, n: int) -> dict[int, dict[str, str]]:
    """unit id → session headers of a principal of that unit (``n`` units + the demo lab)."""
    institution_directory = _bench_seed().institution_directory
    from co2calc.auth.sessions import SESSION_COOKIE, start_session
    from co2calc.db import sessions as sessions_sql
    from co2calc.db import transaction
    from co2calc.demo import DEMO_USERS
    from co2calc.directory import sync
    from co2calc.directory.model import DirectoryPerson, DirectoryRole

    codes = dict(zip(summary.unit_codes, summary.unit_ids, strict=True))
    step = max(1, len(codes) // n)
    chosen = [c for c in summary.unit_codes if c != SINGLE_UNIT][::step][:n]
    snap = institution_directory(len(summary.unit_ids))
    people = list(snap.people) + [
        DirectoryPerson(
            person_id=f"BENCH-{i:04d}",
            display_name=f"Bench principal {i}",
            roles=[DirectoryRole(role="principal", unit=code)],
        )
        for i, code in enumerate(chosen)
    ]
    sync(snap.model_copy(update={"people": people}))
    demo_principal = next(u for u in DEMO_USERS if u.role == "principal" and u.unit == SINGLE_UNIT)
    pairs = [(f"BENCH-{i:04d}", code) for i, code in enumerate(chosen)]
    pairs.append((demo_principal.person_id, SINGLE_UNIT))
    out = {}
    with transaction(all_units=True) as conn:
        for person_id, code in pairs:
            uid = sessions_sql.upsert_user(conn, "bench", person_id, person_id, None, person_id)
            token, csrf = start_session(conn, uid)
            out[codes[code]] = {"Cookie": f"{SESSION_COOKIE}={token}", "X-CSRF-Token": csrf}
    return out


def start_gateway(dsn: str, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    import httpx

    port = _free_port()
    env = os.environ | {
        "CO2CALC_DATABASE_URL": dsn,
        "CO2CALC_THREADS": str(threads),
        "CO2CALC_LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "co2calc.dev.gateway", "--port", str(port)]
    cmd += ["--workers", str(workers), "--threads", str(threads)]
    log = (ROOT / ".data" / "bench" / "api-gateway.log").open("wb")  # stderr: errors, shutdown
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the gateway did not start")


def operations(units: list[int], year: int) -> list[Op]:
    def unit(i: int) -> int:
        return units[i % len(units)]

    def listing(i, rnd):
        page = 1 + rnd.randrange(3)
        return "GET", f"/api/travel/{unit(i)}/{year}/plane?page={page}&sort=-kg_co2e", None

    def results(i, rnd):
        return "GET", f"/api/results/{unit(i)}/{year}", None

    def create(i, rnd):
        o, d = FLIGHTS[rnd.randrange(len(FLIGHTS))]
        body = {"data": {"origin": o, "destination": d, "round_trip": True}, "note": "bench"}
        return "POST", f"/api/travel/{unit(i)}/{year}/plane", body

    def autocomplete(i, rnd):
        q = AIRPORT_PREFIXES[rnd.randrange(len(AIRPORT_PREFIXES))]
        return "GET", f"/api/factors/airports?q={q}", None

    return [
        Op("list", 4, listing),
        Op("results", 3, results),
        Op("create", 2, create, expect=(201,)),
        Op("autocomplete", 2, autocomplete),
    ]


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"  {'operation':<13}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'p99 ms':>9}")  # fmt: skip
    for r in rows:
        print(
            f"  {r['op']:<13}{r['requests']:>9,}{r['errors']:>8}{r['rps']:>9.0f}"
            f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}"
        )
    total = sum(r["requests"] for r in rows)
    if rows:
        print(f"  {'all':<13}{total:>9,}{'':>8}{sum(r['rps'] for r in rows):>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="users mode: mean pause, s")
    parser.add_argument("--database", default="co2calc_bench_api")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--entries", type=int, default=800_000)
    parser.add_argument("--warmup", type=float, default=5, help="seconds, not recorded")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the seeded DB")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    seed = _bench_seed().seed

    with throwaway_database(args.database, keep=args.keep, fresh=not args.keep) as dsn:
        t0 = time.perf_counter()
        summary = seed(dsn, units=args.units, years=3, entries=args.entries, log=lambda *a: None)
        print(
            f"dataset: {len(summary.unit_ids)} units, years {summary.years}, "
            f"{summary.entries:,} entries, {summary.emissions:,} emission rows "
            f"(ready in {time.perf_counter() - t0:.0f} s)"
        )
        sessions = principals(summary, PRINCIPALS)
        year = summary.years[-1]
        single = dict(zip(summary.unit_codes, summary.unit_ids, strict=True))[SINGLE_UNIT]
        spread_units = [u for u in sessions if u != single]
        from co2calc.db import close_pool

        close_pool()  # the load generator forks: no pool threads to inherit
        proc, base = start_gateway(dsn, args.workers, args.threads)
        figures = {}
        try:
            # warm-up (not recorded): every worker imports and connects on first use
            warm = operations(spread_units, year)
            run_load(base, lambda i: sessions[spread_units[i % len(spread_units)]], warm,
                     clients=args.clients, seconds=args.warmup)  # fmt: skip
            print(
                f"gateway: {args.workers} workers × {args.threads} threads; "
                f"{args.clients} clients × {args.seconds:.0f} s per run"
            )
            any_session = sessions[single]
            health = [Op("healthz", 1, lambda i, rnd: ("GET", "/healthz", None))]
            spread_ops, single_ops = operations(spread_units, year), operations([single], year)
            for mode, think in (("users", args.think), ("capacity", 0.0)):
                print(f"\n== {mode}: " + (f"pause {think:g} s on average" if think else "no pause"))
                runs = (
                    ("reference", "GET /healthz", health, lambda i: any_session),
                    (
                        "spread",
                        f"spread: {len(spread_units)} units, one principal each",
                        spread_ops,
                        lambda i: sessions[spread_units[i % len(spread_units)]],
                    ),
                    (
                        "single",
                        f"single unit: {SINGLE_UNIT}",
                        single_ops,
                        lambda i: sessions[single],
                    ),
                )
                for key, title, ops, cookies in runs:
                    res = run_load(base, cookies, ops, clients=args.clients,
                                   seconds=args.seconds, think=think)  # fmt: skip
                    figures[f"{mode}/{key}"] = res.rows()
                    print_table(f"{mode} / {title}", figures[f"{mode}/{key}"])
                    print(f"  load average: {os.getloadavg()[0]:.2f}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        goals = {"list": 50, "results": 50, "create": 80, "autocomplete": 20}
        print("\ngoals (p95 ms): list < 50, results < 50, create < 80, autocomplete < 20")
        for run in ("users/spread", "users/single", "capacity/spread", "capacity/single"):
            verdict = [
                f"{r['op']} {'ok' if r['p95_ms'] < goals[r['op']] else 'MISSED'}"
                for r in figures[run]
            ]
            print(f"  {run}: " + ", ".join(verdict))
        if args.json:
            print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
