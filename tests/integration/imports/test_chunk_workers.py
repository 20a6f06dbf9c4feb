"""The importer's chunk workers (``CO2CALC_IMPORT_WORKERS``): worker processes and the
one-thread mode write the same entries, row errors cross the process boundary in file
order, and an import whose worker process died is retried with a new pool.

Files go through the whole path (presigned POST → webhook → s3-notify → bus → ingest).
"""

from __future__ import annotations

import os
import signal

import pytest

from co2calc.demo import DEMO_USERS

PRINCIPAL = DEMO_USERS[1].person_id
MEMBERS = (DEMO_USERS[2].person_id, DEMO_USERS[3].person_id)
YEAR = 2057
LAB = "ENAC-CLIM-LAB1"
AIRPORTS = ("GVA", "LHR", "CDG", "ZRH", "JFK", "FRA", "AMS")


def _entries(job_id: str) -> list[tuple]:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        rows = conn.execute(
            "select e.data->>'origin' as origin, e.kg_co2e, e.flag_reason, e.owner_user_id,"
            " array_agg((m.kg_co2e, m.factor_id, m.uncertainty)::text order by m.leaf) as rows"
            " from entry e left join emission m on m.entry_id = e.id"
            " where e.import_job = %s group by e.id order by e.id",
            (job_id,),
        ).fetchall()
    return [tuple(r.values()) for r in rows]


@pytest.fixture(scope="module")
def upload(make_year, stack, as_person, unit_ids):
    make_year(YEAR)
    principal = as_person(PRINCIPAL)
    for person in MEMBERS:
        as_person(person)  # signed in once: they have a user, who owns their flights

    def run(content: bytes, **options):
        return principal.upload(
            stack.bus, content, year=YEAR, unit_id=unit_ids[LAB], filename="f.csv", **options
        )

    run.principal = principal
    return run


@pytest.fixture
def setting(monkeypatch):
    """``setting(IMPORT_WORKERS="0")``: a setting for this test (cached settings cleared)."""
    from co2calc.ingest.settings import import_settings

    def set_(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"CO2CALC_{name}", value)
        import_settings.cache_clear()

    yield set_
    monkeypatch.undo()
    import_settings.cache_clear()


@pytest.fixture
def after_write(monkeypatch):
    """``after_write(f)``: ``f(n, rows)`` runs after the n-th batch written by any delivery."""
    from co2calc.ingest import run

    real_write = run._write_batch

    def install(f) -> None:
        n = 0

        def write(conn, rows, **kw) -> None:
            nonlocal n
            real_write(conn, rows, **kw)
            n += 1
            f(n, rows)

        monkeypatch.setattr(run, "_write_batch", write)

    return install


def _file(n: int, bad: set[int]) -> bytes:
    """``n`` flights, one per line; the lines in ``bad`` (1 = first data line) have
    a negative number of trips."""
    lines = ["origin;destination;trips;traveller_id"]
    for i in range(1, n + 1):
        trips = -1 if i in bad else 1 + i % 3
        origin, dest = AIRPORTS[i % 7], AIRPORTS[(i // 7 + i % 7 + 1) % 7]
        if origin == dest:
            dest = "BCN"
        who = (*MEMBERS, "")[i % 3]  # known people own their flights
        lines.append(f"{origin};{dest};{trips};{who}")
    return ("\n".join(lines) + "\n").encode()


def test_worker_processes_and_one_thread_write_the_same_rows(upload, setting):
    # GIVEN small chunks, so that a 1,000-line file is 10 chunks spread over the workers
    setting(IMPORT_BATCH_ROWS="100")
    content = _file(1000, bad={150, 151, 777})
    jobs = {}
    for workers in ("2", "0"):
        setting(IMPORT_WORKERS=workers)
        # WHEN the same file is imported (valid rows only) by processes, then by a thread
        jobs[workers] = upload(content, valid_rows_only=True)
    for job in jobs.values():
        assert job["status"] == "succeeded", job
        assert (job["rows_read"], job["rows_valid"], job["rows_rejected"]) == (1000, 997, 3)
    # THEN both wrote the same entries and emission rows, in file order
    by_processes, by_thread = _entries(jobs["2"]["id"]), _entries(jobs["0"]["id"])
    assert len(by_processes) == 997
    assert all(r[1] > 0 and r[2] is None for r in by_processes)  # computed, not flagged
    assert [r[0] for r in by_processes[148:150]] == [AIRPORTS[149 % 7], AIRPORTS[152 % 7]]
    assert len({r[3] for r in by_processes}) == 3  # two owners and none
    assert by_processes == by_thread
    # AND the error report lists the three rows in file order (line = data line + 1)
    for job in jobs.values():
        report = upload.principal.get(f"/api/uploads/jobs/{job['id']}/errors.csv").text
        rows = [line.split(",")[0] for line in report.strip().splitlines()[1:]]
        assert rows == ["151", "152", "778"], report


def test_an_import_whose_worker_died_is_retried_with_a_new_pool(upload, setting, after_write):
    from co2calc.ingest import chunks

    setting(IMPORT_BATCH_ROWS="100", IMPORT_WORKERS="2")
    killed = []

    def kill_a_worker(n, rows) -> None:
        if n == 1:  # GIVEN a worker process is killed after the first batch was written
            pid = next(iter(chunks.executor()._processes))  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    after_write(kill_a_worker)
    # WHEN a 1,000-line file is imported
    job = upload(_file(1000, bad=set()))
    # THEN the broken delivery wrote nothing, the redelivery ran on a new pool and completed
    assert killed
    assert job["status"] == "succeeded", job
    assert job["rows_written"] == 1000
    assert len(_entries(job["id"])) == 1000
    assert killed[0] not in chunks.executor()._processes  # type: ignore[attr-defined]


def test_reference_data_changed_during_an_import_restarts_it(upload, setting, after_write):
    """Chunks are computed with the reference data the import's transaction saw: a change
    in between (here an exchange rate stored by the refresh function) makes the running
    delivery fail and the redelivery compute everything with the new data."""
    from decimal import Decimal

    from co2calc.db import refresh as refresh_sql
    from co2calc.db import transaction

    setting(IMPORT_BATCH_ROWS="100")
    writes = []

    def refresh_rates(n, rows) -> None:
        writes.append(rows.n_entries)
        if n == 1:  # GIVEN new reference data is committed after the first batch
            with transaction(all_units=True) as other:
                refresh_sql.upsert_fx(other, {(YEAR, "CHF"): Decimal("0.9321")}, "test")

    after_write(refresh_rates)
    try:
        job = upload(_file(1000, bad=set()))
    finally:
        with transaction(all_units=True) as conn:
            conn.execute("delete from fx_rate where year = %s", (YEAR,))
    # THEN the first delivery stopped (nothing of it committed) and the second wrote all
    assert job["status"] == "succeeded", job
    assert sum(writes) > 1000 and job["rows_written"] == 1000
    assert len(_entries(job["id"])) == 1000


def test_progress_is_recorded_beside_the_write_transaction(upload, setting, after_write):
    """An import holds its write transaction on one connection and records its progress
    on a second one while it runs: with one request thread the pool must still hold two
    (CO2CALC_DB_POOL_MAX, as the ingest Service sets it); a pool of one would make the
    progress update wait for the write transaction that waits for it."""
    import time

    from co2calc.db import close_pool, transaction

    setting(IMPORT_BATCH_ROWS="100", THREADS="1", DB_POOL_MAX="2")
    close_pool()  # the next connection opens a pool of the new size
    seen = []

    def slow_first_batch(n, rows) -> None:
        if n == 1:  # GIVEN a first batch that takes longer than the progress interval
            time.sleep(1.2)
        if n == 2:  # THEN the progress of the running import is visible to others
            with transaction(all_units=True) as other:
                seen.append(
                    other.execute(
                        "select phase, rows_read from job where status = 'running'"
                        " and unit_id is not null and year = %s",
                        (YEAR,),
                    ).fetchone()
                )

    after_write(slow_first_batch)
    try:
        job = upload(_file(1000, bad=set()))
    finally:
        close_pool()
    assert job["status"] == "succeeded" and job["attempts"] == 1, job  # no retry needed
    assert seen and seen[0]["phase"] == "writing" and seen[0]["rows_read"] > 0, seen
