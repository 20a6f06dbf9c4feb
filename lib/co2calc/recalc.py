"""Recalculation of a slice of entries after factors or reference data changed.

A slice is a reporting year, optionally one module and/or one unit. The
``calculate`` function receives ``ch.co2calc.recalculation.requested`` events
(:class:`RecalcRequest`); :func:`recalculate` is the same entry point for tests
and the bench.

How it runs:

- The request becomes a ``job`` row of kind ``recalc`` unless a pending job
  already covers the slice (duplicates coalesce). A job that is *running*
  does not absorb a request: it may already have passed the entries the new
  request is about, so a new pending job is queued behind it.
- One runner per year (session advisory lock) drains the year's pending jobs;
  a request arriving while another process runs the year returns ``queued``
  and that runner picks it up before it lets go of the year.
- Entries of signed-off reports are skipped (frozen). The rest stream through
  a server-side cursor in batches; each batch is computed with the engine,
  formatted as COPY text, and written by a writer thread on its own connection
  (``co2calc.db.emissions.write_recomputed``: COPY into temporary tables, then
  one round trip of set-based statements), so Python computes batch *n + 1*
  while PostgreSQL writes batch *n*.

Stored entry data was validated when it was written, but it comes back from
``jsonb`` as JSON types (amounts as strings, dates as text). The entry models
are still the one place that turns those into ``Decimal``/``date``/enums, and
pydantic-core's ``model_validate`` is faster than ``model_construct`` plus
hand-written conversions (measured: ~3.5 µs vs ~6 µs per entry), so stored
data goes through the model. It is read as JSON text and validated with
``model_validate_json`` (reading ``jsonb`` into Python objects first cost more
than the validation: 8.4 vs 2.4 µs per entry to fetch); an entry that no longer validates
(model tightened since) is counted as ``invalid`` and left as it was.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from co2calc.db import recalc as sql
from co2calc.obs import log_event

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.calc import CalcContext

__all__ = [
    "MAX_ATTEMPTS",
    "ConnFactory",
    "RecalcRequest",
    "handle_event",
    "recalculate",
    "request_recalculation",
]

type ConnFactory = Callable[[], AbstractContextManager[Connection]]

Module = Literal[
    "headcount",
    "travel",
    "buildings",
    "equipment",
    "purchases",
    "cloud-ai",
    "process-emissions",
    "research-facilities",
]

MAX_ATTEMPTS = 3
LEASE_S = 300  # a batch renews it; maintenance re-drives a job whose lease ran out
BATCH_SIZE = 5000
WRITERS = 2  # writer connections (PostgreSQL writes two batches at once)


class RecalcRequest(BaseModel):
    """Data of a ``ch.co2calc.recalculation.requested`` CloudEvent."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    year: int = Field(ge=2000, le=2100)
    module: Module | None = None
    unit_id: int | None = Field(default=None, ge=1)
    reason: str = Field(default="", max_length=200)


def request_recalculation(
    conn: Connection,
    *,
    year: int,
    module: str | None = None,
    unit_id: int | None = None,
    reason: str = "",
) -> tuple[str, bool]:
    """Queue a slice (in the caller's transaction); ``(job id, created)``."""
    job, created = sql.request_job(conn, year=year, module=module, unit_id=unit_id, reason=reason)
    return job["id"], created


def recalculate(
    conn_factory: ConnFactory,
    *,
    year: int,
    module: str | None = None,
    unit_id: int | None = None,
    reason: str = "",
    batch_size: int = BATCH_SIZE,
    writers: int = WRITERS,
) -> dict[str, Any]:
    """Queue the slice and run the year's pending jobs unless another runner has the year.

    Returns ``{"job_id", "status", …}``: ``status`` is ``succeeded`` when this
    call ran the job (with ``entries``, ``written``, ``invalid``, ``seconds``,
    ``entries_per_s``), ``coalesced`` when a pending job already covered the
    slice and another runner owns the year, ``queued`` when it waits behind a
    running job of another process. Raises on database errors (the job goes
    back to pending, or to failed after :data:`MAX_ATTEMPTS`).
    """
    with conn_factory() as conn, conn.transaction():
        sql.set_system_scope(conn)
        job_id, created = request_recalculation(
            conn, year=year, module=module, unit_id=unit_id, reason=reason
        )
    ran = run_pending(conn_factory, year, batch_size=batch_size, writers=writers)
    if job_id in ran:
        return {"job_id": job_id, "status": "succeeded", **ran[job_id]}
    for stats in ran.values():  # a wider job ran and absorbed ours
        return {"job_id": job_id, "status": "coalesced", **stats}
    return {"job_id": job_id, "status": "queued" if created else "coalesced"}


def run_pending(
    conn_factory: ConnFactory, year: int, *, batch_size: int = BATCH_SIZE, writers: int = WRITERS
) -> dict[str, dict[str, Any]]:
    """Drain the year's pending jobs if no other runner holds the year; stats per job run."""
    done: dict[str, dict[str, Any]] = {}
    with conn_factory() as conn:
        while True:
            with conn.transaction():
                if not sql.try_lock_year(conn, year):
                    return done  # the holder drains what we queued
            try:
                while True:
                    with conn.transaction():
                        job = sql.claim_next(conn, year, LEASE_S)
                    if job is None:
                        break
                    done[job["id"]] = _run_job(conn_factory, conn, job, batch_size, writers)
            finally:
                with conn.transaction():
                    sql.unlock_year(conn, year)
            with conn.transaction():  # a request may have slipped in while we unlocked
                if not sql.has_pending(conn, year):
                    return done


def _run_job(
    conn_factory: ConnFactory,
    wconn: Connection,
    job: Mapping[str, Any],
    batch_size: int,
    writers: int = 1,
) -> dict[str, Any]:
    from co2calc.db.emissions import copy_text
    from co2calc.factorstore import calc_context

    started = time.perf_counter()
    counts = {"read": 0, "written": 0, "invalid": 0}
    timings = {"read_s": 0.0, "compute_s": 0.0, "wait_writer_s": 0.0}
    try:
        with ExitStack() as stack:
            conns = [wconn] + [stack.enter_context(conn_factory()) for _ in range(writers - 1)]
            rconn = stack.enter_context(conn_factory())
            stack.enter_context(rconn.transaction())
            sql.set_system_scope(rconn)
            ctx = calc_context(rconn, job["year"])
            writer = _Writer(conns, job["id"], counts)
            clock = time.perf_counter
            try:
                t0 = clock()
                for rows in sql.stream_entries(
                    rconn,
                    year=job["year"],
                    module=job["module"],
                    unit_id=job["unit_id"],
                    batch_size=batch_size,
                ):
                    t1 = clock()
                    entries, emissions, invalid = _compute_batch(rows, job["year"], ctx)
                    # formatted here: the writer thread only sends bytes (see copy_text)
                    entries, emissions = copy_text(rconn, entries), copy_text(rconn, emissions)
                    t2 = clock()
                    counts["invalid"] += invalid
                    writer.put(entries, emissions, len(rows))
                    t3 = clock()
                    timings["read_s"] += t1 - t0
                    timings["compute_s"] += t2 - t1
                    timings["wait_writer_s"] += t3 - t2
                    t0 = t3
            finally:
                writer.close()
    except Exception as exc:
        _release(wconn, job, exc)
        raise
    with wconn.transaction():
        sql.finish_job(wconn, job["id"], read=counts["read"], written=counts["written"])
    seconds = time.perf_counter() - started
    stats = {
        "entries": counts["read"],
        "written": counts["written"],
        "invalid": counts["invalid"],
        "seconds": round(seconds, 3),
        "entries_per_s": round(counts["read"] / seconds) if seconds else 0,
        **{k: round(v, 3) for k, v in timings.items()},
        "write_s": round(writer.seconds, 3),
    }
    log_event(
        "recalculated",
        job_id=job["id"],
        year=job["year"],
        module=job["module"],
        unit_id=job["unit_id"],
        **stats,
    )
    return stats


def _release(conn: Connection, job: Mapping[str, Any], exc: Exception) -> None:
    """After an error: back to pending for a redelivery, or failed after the last attempt."""
    failed = job["attempts"] >= MAX_ATTEMPTS
    log_event(
        "recalculation failed",
        logging.ERROR,
        exc_info=True,
        job_id=job["id"],
        attempts=job["attempts"],
        final=failed,
    )
    try:
        if conn.info.transaction_status != 0:  # not idle: a broken transaction
            conn.rollback()
        with conn.transaction():
            sql.release_job(
                conn,
                job["id"],
                failed=failed,
                error={"type": type(exc).__name__, "detail": str(exc)[:500]},
            )
    except Exception:  # the database itself is gone: maintenance re-drives by lease
        log_event("could not release recalculation job", logging.ERROR, job_id=job["id"])


def _compute_batch(
    rows: list[tuple[Any, ...]], year: int, ctx: CalcContext
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    from co2calc.calc import REGISTRY
    from co2calc.db.emissions import emission_row
    from co2calc.factors.errors import EngineError

    entries: list[tuple[Any, ...]] = []
    emissions: list[tuple[Any, ...]] = []
    invalid = 0
    for entry_id, unit_id, module, submodule, version, data in rows:
        calc = REGISTRY.get((module, submodule))
        if calc is None:
            invalid += 1
            continue
        try:
            result = calc.fn(calc.model.model_validate_json(data), ctx)
        except (ValidationError, EngineError):
            invalid += 1
            continue
        if result.flag is not None:
            entries.append(
                (entry_id, version, 0, False, result.flag.reason.value, result.flag.detail, 0)
            )
            continue
        kg = 0
        estimate = False
        for r in result.rows:
            kg += r.kg
            estimate = estimate or r.estimate
            emissions.append(emission_row(entry_id, unit_id, year, r))
        entries.append((entry_id, version, kg, estimate, None, None, len(result.rows)))
    return entries, emissions, invalid


class _Writer:
    """Writes batches in threads, each on its own connection (bounded queue).

    Batches hold disjoint entries, so several writers never touch the same rows;
    with two, PostgreSQL works on two batches at once while Python computes.
    """

    def __init__(self, conns: list[Connection], job_id: str, counts: dict[str, int]) -> None:
        self.conns, self.job_id, self.counts = conns, job_id, counts
        self.error: BaseException | None = None
        self.seconds = 0.0  # time spent writing (summed over the writer threads)
        self.lock = threading.Lock()
        self.queue: queue.Queue[tuple[Any, Any, int] | None] = queue.Queue(maxsize=2 * len(conns))
        self.threads = [
            threading.Thread(target=self._run, args=(c,), name=f"recalc-writer-{i}", daemon=True)
            for i, c in enumerate(conns)
        ]
        for t in self.threads:
            t.start()

    def put(self, entries: Any, emissions: Any, n_read: int) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((entries, emissions, n_read))

    def close(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for t in self.threads:
            t.join()
        if self.error is not None:
            raise self.error

    def _run(self, conn: Connection) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain after a failure
            entries, emissions, n_read = item
            started = time.perf_counter()
            try:
                written = sql.write_batch(conn, entries, emissions)
                with self.lock:
                    self.counts["written"] += written
                    self.counts["read"] += n_read
                    read, written = self.counts["read"], self.counts["written"]
                with conn.transaction():
                    sql.progress(conn, self.job_id, read=read, written=written, lease_s=LEASE_S)
            except BaseException as exc:
                self.error = exc
            with self.lock:
                self.seconds += time.perf_counter() - started


def handle_event(data: object) -> dict[str, Any]:
    """The ``calculate`` function's body: validate the event data, run on the pool."""
    from co2calc.db import connection

    try:
        req = RecalcRequest.model_validate(data)
    except ValidationError as exc:  # redelivering a malformed event cannot help
        log_event(
            "recalculation request rejected",
            logging.WARNING,
            errors=[{"loc": e["loc"], "type": e["type"]} for e in exc.errors()],
        )
        return {"status": "rejected"}
    return recalculate(
        connection, year=req.year, module=req.module, unit_id=req.unit_id, reason=req.reason
    )
