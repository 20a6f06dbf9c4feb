"""Import throughput, end to end, against a raw COPY of the same rows.

    uv run python bench/ingest/run.py [--rows 100000] [--seed-entries 800000] [--reuse]

Starts its own stack on loopback (PostgreSQL cluster under .data/bench, a fresh
database — or the previous one with ``--reuse`` — filled with the institution-scale
``bench/seed`` dataset; SeaweedFS with its filer webhook; every function behind the
dev gateway with the /s3 and /_notify/s3 mounts; the dev event bus), then for a
travel (plane) CSV and a purchases CSV of ``--rows`` rows each:

    end to end   POST /api/uploads → presigned POST through the gateway → webhook →
                 s3-notify → bus → ingest → entries + emissions committed, job succeeded
    raw COPY     the same entry and emission rows (already computed) COPY'd into
                 tables shaped like entry/emission (no validation, no compute):
                 ``plain`` without indexes, ``constrained`` with the real tables'
                 indexes and checks (since migration 0014 neither has a foreign key)

Goals: ≥ 25,000 rows/s end to end and ≤ 5× the raw COPY time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ (for _common, seed)
from _common import DATA, PG_PORT, cluster, use_database

# ``--before-0014``: migration 0014 undone for the run (owner connection; put back
# afterwards): entry's foreign keys back (NOT VALID: no scan of the existing rows,
# new rows are checked all the same), its statement-level checks off, and
# entry_import_idx back.
UNDO_0014 = [
    "alter table entry disable trigger entry_inserted_refs",
    "alter table entry disable trigger entry_refs_changed",
    "alter table entry add constraint entry_report_id_fkey foreign key (report_id)"
    " references report (id) on delete cascade not valid",
    "alter table entry add constraint entry_owner_user_id_fkey foreign key (owner_user_id)"
    " references app_user (id) not valid",
    "create index if not exists entry_import_idx on entry (import_job)"
    " where import_job is not null",
]
REDO_0014 = [
    "alter table entry drop constraint if exists entry_report_id_fkey",
    "alter table entry drop constraint if exists entry_owner_user_id_fkey",
    "drop index if exists entry_import_idx",
    "alter table entry enable trigger entry_inserted_refs",
    "alter table entry enable trigger entry_refs_changed",
]

AIRPORTS = ["GVA", "ZRH", "LHR", "CDG", "FRA", "AMS", "JFK", "BCN", "MAD", "FCO", "VIE", "BER"]
CABINS = ["economy", "economy", "economy", "business", "premium_economy"]


def travel_csv(n: int) -> bytes:
    rnd = random.Random(1)
    lines = ["origin,destination,date,trips,cabin_class,round_trip"]
    for _ in range(n):
        a, b = rnd.sample(AIRPORTS, 2)
        lines.append(
            f"{a},{b},2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d},"
            f"{rnd.randint(1, 3)},{rnd.choice(CABINS)},{rnd.choice(['true', 'false'])}"
        )
    return ("\n".join(lines) + "\n").encode()


def purchases_csv(n: int, codes: list[str]) -> bytes:
    rnd = random.Random(2)
    lines = ["item;supplier;quantity;amount;currency;purchase_code"]
    for i in range(n):
        amount = f"{rnd.randint(10, 20000)},{rnd.randint(0, 99):02d}"  # decimal comma
        lines.append(
            f"Item {i};Supplier {i % 97};{rnd.randint(1, 5)};{amount};"
            f"{rnd.choice(['CHF', 'EUR', 'USD'])};{rnd.choice(codes)}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg-port", type=int, default=PG_PORT)
    parser.add_argument("--seed-entries", type=int, default=800_000)
    parser.add_argument("--seed-units", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the database")
    parser.add_argument("--s3-base", type=int, default=27333)
    parser.add_argument(
        "--before-0014",
        action="store_true",
        help="undo migration 0014 for this run (the reference before issue #6)",
    )
    args = parser.parse_args()

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    pg = cluster(args.pg_port)
    use_database(pg.ensure_database("co2calc_bench", fresh=not args.reuse))
    os.environ["CO2CALC_IMPORT_MAX_ROWS"] = str(max(args.rows, 200_000))
    from co2calc.migrate import migrate

    migrate()
    from seed.run import seed

    summary = seed(units=args.seed_units, years=[2023, 2024, 2025], entries=args.seed_entries)
    print(
        f"seed: {summary.entries:,} entries, {summary.emissions:,} emission rows"
        + (" (already there)" if summary.skipped else f" in {summary.seconds} s"),
        flush=True,
    )
    from seed.run import institution_directory

    from co2calc.dev.stack import local_stack

    global _PG_DATADIR, _S3_PROC
    try:
        with local_stack(
            DATA / "s3",
            s3_base=args.s3_base,
            access_key="bench",
            secret_key="bench-secret",
            directory=institution_directory(args.seed_units),
        ) as stack:
            _PG_DATADIR, _S3_PROC = pg.datadir, stack.store._proc
            from co2calc.ingest import chunks

            # a warm instance: the chunk workers are started by a function's first import
            # (~0.7 s, once per instance); this measures imports, not that start
            for f in chunks.warm():
                f.result()
            if args.before_0014:
                _owner_sql(UNDO_0014)
            try:
                results = _run(stack.url, stack.bus, args.rows)
            finally:
                if args.before_0014:
                    _owner_sql(REDO_0014)
    finally:
        from co2calc.db import close_pool

        close_pool()
        if not args.reuse:
            pg.drop_database("co2calc_bench")
        pg.stop()
    print(json.dumps(results, indent=1))


_PG_DATADIR: Path | None = None
_S3_PROC = None


def _proc_cpu(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds) of a process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0, 0.0
    ticks = int(fields[11]) + int(fields[12])
    return int(fields[1]), ticks / os.sysconf("SC_CLK_TCK")


def _workers_cpu() -> float:
    """CPU seconds of this process's live descendants but SeaweedFS: the ingest
    function's chunk workers and their fork server."""
    parent, cpu = {}, {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            parent[int(d.name)], cpu[int(d.name)] = _proc_cpu(int(d.name))
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    skip = {_S3_PROC.pid} if _S3_PROC is not None else set()
    total, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        if pid not in skip:
            total += cpu[pid]
            todo.extend(children.get(pid, []))
    return total


def _cpu_delta(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between two :func:`_cpu` snapshots. PostgreSQL's are summed per process
    (a backend that ended in between, e.g. the vacuum's, would otherwise take its whole
    past CPU time out of the sum; what an ended process used in the window is lost)."""
    out = {k: round(v - before[k], 2) for k, v in after.items() if k != "postgres_pids"}
    pg0, pg1 = before["postgres_pids"], after["postgres_pids"]
    out["postgres"] = round(sum(c - pg0.get(pid, 0.0) for pid, c in pg1.items()), 2)
    return out


def _cpu() -> dict:
    """CPU seconds used so far by this process (gateway, functions, bus, importer and
    its chunk workers),
    the PostgreSQL cluster (its background processes and the live backends of this
    database — not those of other databases on the cluster) and SeaweedFS: unlike
    wall time, hardly changed by other work on a shared machine."""
    t = os.times()
    workers = _workers_cpu()
    out = {
        "python": t.user + t.system + workers,
        "python_workers": workers,  # (included in "python")
        "postgres": 0.0,
        "postgres_pids": {},
        "s3": 0.0,
    }
    if _PG_DATADIR is not None:
        try:
            master = int((_PG_DATADIR / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            master = -1
        url = os.environ["CO2CALC_DATABASE_URL"]
        user, dbname = url.split("//", 1)[1].split("@", 1)[0], url.rsplit("/", 1)[1]
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            ppid, cpu = _proc_cpu(int(d.name))
            if ppid != master:
                continue
            try:  # "postgres: <user> <database> <client> <state>" for a backend
                title = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode().split()
            except OSError:
                continue
            if len(title) > 3 and title[:2] == ["postgres:", user] and title[2] != dbname:
                continue  # someone else's database on the same cluster
            out["postgres"] += cpu
            out["postgres_pids"][int(d.name)] = cpu
    if _S3_PROC is not None:
        out["s3"] = _proc_cpu(_S3_PROC.pid)[1]
    return out


def _session(person_id: str):
    from co2calc.auth.sessions import start_session
    from co2calc.db import sessions as sql
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        user_id = sql.upsert_user(conn, "bench", f"oid-{person_id}", person_id, None, person_id)
        token, csrf = start_session(conn, user_id)
    return token, csrf


def _run(url: str, bus, rows: int) -> dict:
    import httpx

    from co2calc.db import transaction
    from co2calc.demo import DEMO_USERS
    from co2calc.factors import load_shipped_factor_set

    year = 2025  # seeded (and opened) by bench/seed
    admin_token, admin_csrf = _session(DEMO_USERS[0].person_id)
    token, csrf = _session(DEMO_USERS[1].person_id)
    from co2calc.auth.sessions import SESSION_COOKIE as cookie

    admin = httpx.Client(
        base_url=url,
        headers={"Cookie": f"{cookie}={admin_token}", "X-CSRF-Token": admin_csrf},
        timeout=600,
    )
    principal = httpx.Client(
        base_url=url, headers={"Cookie": f"{cookie}={token}", "X-CSRF-Token": csrf}, timeout=600
    )
    assert admin.post("/api/years", json={"year": year}).status_code in (201, 409)
    bus.wait_idle(60)
    _forget_imports(year)
    with transaction(all_units=True) as conn:
        unit_id = conn.execute("select id from org_unit where code = 'ENAC-CLIM-LAB1'").fetchone()[
            "id"
        ]
    codes = sorted(
        {
            f.key.split(":", 1)[1]
            for f in load_shipped_factor_set(year).factors
            if f.module == "purchases" and f.key.startswith("code:")
        }
    )
    out = {}
    for label, module, submodule, content in (
        ("travel/plane", "travel", "plane", travel_csv(rows)),
        (
            "purchases/consumables",
            "purchases",
            "consumables",
            purchases_csv(rows, codes or ["44121700"]),
        ),
    ):
        _settle()
        cpu0 = _cpu()
        started = time.time()  # wall clock: compared with the job's finished_at
        grant = principal.post(
            "/api/uploads",
            json={
                "year": year,
                "unit_id": unit_id,
                "module": module,
                "submodule": submodule,
                "filename": "bench.csv",
                "content_type": "text/csv",
            },
        ).json()
        r = principal.post(
            grant["url"], data=grant["fields"], files={"file": ("bench.csv", content, "text/csv")}
        )
        assert r.status_code in (200, 204), r.text
        cpu_upload = _cpu()["python"] - cpu0["python"]  # grant + upload through the gateway
        job_id = grant["job"]["id"]
        # Polled slowly: the gateway, the functions and the importer share this
        # process (and its GIL); the end time is the job's own finished_at, set in
        # the import's write transaction just before its commit.
        while True:
            job = principal.get(f"/api/uploads/jobs/{job_id}").json()
            if job["status"] in ("succeeded", "failed"):
                break
            time.sleep(0.5)
        assert job["status"] == "succeeded", job
        e2e = _finished_at(job_id) - started
        cpu = _cpu_delta(cpu0, _cpu())
        copy_s, n_emissions = _raw_copy(job_id)
        out[label] = {
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
            "rows": rows,
            "bytes": len(content),
            "end_to_end_s": round(e2e, 2),
            "end_to_end_rows_per_s": round(rows / e2e),
            "ingest_rows_per_s (job)": job["rows_per_second"],
            # CPU seconds of the whole import (polling included) per process group;
            # on 2 free cores the wall time is at least max(python, postgres + s3)
            "cpu_s": cpu,
            "python_cpu_s_until_uploaded": round(cpu_upload, 2),
            "flagged": _flagged(job_id),
            "emission_rows": n_emissions,
            "raw_copy_plain_s": round(copy_s["plain"], 2),
            "raw_copy_plain_rows_per_s": round(rows / copy_s["plain"]),
            "raw_copy_constrained_s": round(copy_s["constrained"], 2),
            "raw_copy_constrained_rows_per_s": round(rows / copy_s["constrained"]),
            "ratio_end_to_end_vs_plain_copy": round(e2e / copy_s["plain"], 2),
            "ratio_end_to_end_vs_constrained_copy": round(e2e / copy_s["constrained"], 2),
        }
        print(label, json.dumps(out[label]), flush=True)
    return out


def _owner_sql(statements: list[str]) -> None:
    import psycopg

    with psycopg.connect(os.environ["CO2CALC_DATABASE_URL"]) as conn:
        for statement in statements:
            conn.execute(statement)


def _forget_imports(year: int) -> None:
    """Delete what earlier runs imported (the seed is source ``seed``), so every run
    imports into the same dataset."""
    import psycopg

    with psycopg.connect(os.environ["CO2CALC_DATABASE_URL"], autocommit=True) as conn:
        n = conn.execute(
            "delete from entry where year = %s and source = 'import'", (year,)
        ).rowcount
        print(f"earlier imports deleted: {n:,} entries", flush=True)


def _settle() -> None:
    """VACUUM ANALYZE entry and emission before each import, untimed: otherwise the
    autovacuum or autoanalyze that the previous import (or deletion) triggers may run
    during the next one and count as its database CPU — an analyze is due after every
    100,000-row import here (50 + 10 % of the table's rows changed)."""
    import psycopg

    with psycopg.connect(os.environ["CO2CALC_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("vacuum analyze entry")
        conn.execute("vacuum analyze emission")


def _finished_at(job_id: str) -> float:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return float(
            conn.execute(
                "select extract(epoch from finished_at) as t from job where id = %s", (job_id,)
            ).fetchone()["t"]
        )


def _flagged(job_id: str) -> int:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return conn.execute(
            "select count(*) as n from entry where import_job = %s and flag_reason is not null",
            (job_id,),
        ).fetchone()["n"]


def _raw_copy(job_id: str) -> tuple[dict[str, float], int]:
    """COPY the job's entry and emission rows into tables shaped like entry/emission:
    ``plain`` (no index) and ``constrained`` (the real tables' indexes and checks;
    COPY into the real ones is refused under RLS)."""
    from co2calc.db import transaction
    from co2calc.db.entries import EMISSION_COLUMNS
    from co2calc.db.ingest import ENTRY_COPY_COLUMNS

    with transaction(all_units=True) as conn:
        ecols, mcols = ", ".join(ENTRY_COPY_COLUMNS), ", ".join(EMISSION_COLUMNS)
        entries = conn.execute(
            f"select {ecols} from entry where import_job = %s", (job_id,)
        ).fetchall()
        emissions = conn.execute(
            f"select {', '.join('m.' + c for c in EMISSION_COLUMNS)} from emission m"
            " join entry e on e.id = m.entry_id where e.import_job = %s",
            (job_id,),
        ).fetchall()
        entry_rows = [tuple(r.values()) for r in entries]
        for i, r in enumerate(entry_rows):  # jsonb as text, as the importer sends it
            entry_rows[i] = (*r[:7], json.dumps(r[7]), *r[8:])
        emission_rows = [tuple(r.values()) for r in emissions]
    import psycopg

    elapsed = {}
    # the database owner (the app's pool drops to a role that may not create tables)
    with psycopg.connect(os.environ["CO2CALC_DATABASE_URL"]) as conn:
        for variant in ("plain", "constrained"):
            like = " including all" if variant == "constrained" else " including defaults"
            conn.execute(f"create table raw_entry (like entry{like})")
            conn.execute(f"create table raw_emission (like emission{like})")
            # "including all" copies indexes and checks, not triggers: since migration
            # 0014 neither table has a foreign key (entry's references are checked by
            # statement triggers, once per statement)
            started = time.perf_counter()
            with conn.cursor().copy(f"copy raw_entry ({ecols}) from stdin") as copy:
                for row in entry_rows:
                    copy.write_row(row)
            with conn.cursor().copy(f"copy raw_emission ({mcols}) from stdin") as copy:
                for row in emission_rows:
                    copy.write_row(row)
            elapsed[variant] = time.perf_counter() - started
            conn.execute("drop table raw_emission")
            conn.execute("drop table raw_entry")
    return elapsed, len(emission_rows)


if __name__ == "__main__":
    main()
