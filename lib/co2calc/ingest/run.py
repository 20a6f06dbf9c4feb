"""One import, from an object-created event to committed entries and emissions.

1. Claim the job (conditional UPDATE on the job row; key = bucket + key + ETag).
2. Download the object to a temporary file (size checked against the limit).
3. Stream rows: header check, then chunks of rows validated and computed by the
   chunk workers (``co2calc.ingest.chunks``); valid rows are written in batches
   (COPY) inside ONE write transaction, which also deletes the previous entries
   in replace mode and marks the job succeeded — a crash anywhere rolls
   everything back, and a redelivery runs the job again.
4. Progress (phase, rows read/valid/rejected) goes to the job row in separate
   short transactions while the write transaction is open.

Deterministic input problems (:class:`InputError`) mark the job failed, upload
the error report and return normally; anything else releases the job and raises,
so the Broker retries.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from co2calc.events_s3 import ObjectCreated
from co2calc.ingest.errors import (
    FileTooLarge,
    InputError,
    InvalidRows,
    NotImportable,
    RowError,
    TooManyRows,
)
from co2calc.obs import log_event

__all__ = ["ImportOutcome", "ingest_object"]


@dataclass
class ImportOutcome:
    job_id: str | None
    status: str  # succeeded | failed | skipped
    rows_read: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    rows_written: int = 0
    detail: str = ""


@dataclass
class _Counts:
    read: int = 0
    valid: int = 0
    rejected: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def ingest_object(
    obj: ObjectCreated,
    *,
    client: Any = None,
) -> ImportOutcome:
    """Import one uploaded object (idempotent)."""
    from co2calc.db import jobs as sql
    from co2calc.db import transaction
    from co2calc.ingest.settings import import_settings
    from co2calc.uploads import UPLOADS_PREFIX, parse_upload_key

    settings = import_settings()
    parsed = parse_upload_key(obj.key)
    if parsed is None:
        log_event("ingest: not an upload key, ignored", key=obj.key, bucket=obj.bucket)
        return ImportOutcome(None, "skipped", detail="not an upload key")
    with transaction(all_units=True) as conn:
        job = sql.claim(
            conn,
            parsed.job_id,
            bucket=obj.bucket,
            key=obj.key,
            etag=obj.etag,
            lease_minutes=settings.import_lease_minutes,
        )
        if job is None:
            current = sql.get_job(conn, parsed.job_id)
    if job is None:
        if current is None or current["object_key"] != obj.key or current["bucket"] != obj.bucket:
            log_event("ingest: no job for this object", logging.WARNING, key=obj.key)
            return ImportOutcome(parsed.job_id, "skipped", detail="no job for this object")
        if current["status"] == "running":  # the lease holder finishes it (or maintenance)
            detail = f"running elsewhere (lease until {current['lease_until']})"
            log_event("ingest: redelivery while running", job_id=parsed.job_id, detail=detail)
            return ImportOutcome(parsed.job_id, "skipped", detail=detail)
        log_event("ingest: already done", job_id=parsed.job_id, status=current["status"])
        return ImportOutcome(parsed.job_id, "skipped", detail=f"already {current['status']}")

    assert obj.key.startswith(UPLOADS_PREFIX)
    counts = _Counts()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="co2calc-ingest-") as tmp:
            path = Path(tmp) / f"upload.{parsed.ext}"
            t_download = time.monotonic()
            _download(obj, path, settings.upload_max_bytes, client)
            counts.timings["download_s"] = round(time.monotonic() - t_download, 3)
            download = counts.timings
            _import(job, path, parsed.ext, counts, settings)
            counts.timings = download | counts.timings
    except InputError as exc:
        report = (
            _error_report(job, exc.errors or counts.errors, client)
            if (exc.errors or counts.errors)
            else None
        )
        with transaction(all_units=True) as conn:
            sql.finish_failed(
                conn,
                job["id"],
                error=exc.as_dict(),
                rows_read=counts.read,
                rows_valid=counts.valid,
                rows_rejected=counts.rejected,
                error_report_key=report,
            )
        log_event(
            "ingest failed (input)", job_id=job["id"], error=exc.slug, detail=exc.detail[:300]
        )
        return ImportOutcome(
            job["id"], "failed", counts.read, counts.valid, counts.rejected, 0, exc.detail
        )
    except BaseException as exc:
        with transaction(all_units=True) as conn:
            sql.release(conn, job["id"], {"type": "retrying", "detail": type(exc).__name__})
        raise
    elapsed = time.monotonic() - started
    log_event(
        "ingest succeeded",
        job_id=job["id"],
        rows=counts.read,
        written=counts.written,
        rejected=counts.rejected,
        seconds=round(elapsed, 3),
        rows_per_s=round(counts.read / elapsed) if elapsed else None,
        **counts.timings,
    )
    return ImportOutcome(
        job["id"], "succeeded", counts.read, counts.valid, counts.rejected, counts.written
    )


def _download(obj: ObjectCreated, path: Path, limit: int, client: Any) -> None:
    from co2calc.ingest.read import copy_to
    from co2calc.uploads import s3_client

    s3 = client or s3_client()
    head = s3.head_object(Bucket=obj.bucket, Key=obj.key)
    if head["ContentLength"] > limit:
        raise FileTooLarge(f"The file is larger than the {limit // (1024 * 1024)} MB limit.")
    body = s3.get_object(Bucket=obj.bucket, Key=obj.key, IfMatch=f'"{obj.etag}"')["Body"]
    with path.open("wb") as f:
        copy_to(body, f, limit)


def _error_report(job: dict[str, Any], errors: list[RowError], client: Any) -> str:
    from co2calc.uploads import error_report_key, put_text

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["row", "column", "value", "message"])
    for e in errors:
        value = e.value
        if value.startswith(("=", "+", "-", "@")):
            value = "'" + value  # the report itself must not carry formulas
        w.writerow([e.row, e.column, value, e.message])
    key = error_report_key(job["id"])
    put_text(job["bucket"], key, buf.getvalue(), "text/csv; charset=utf-8", client)
    return key


def _write_batch(conn, rows: Any, *, direct: bool) -> None:
    """COPY one computed chunk in the import's transaction (a test seam too)."""
    from co2calc.ingest.bulk import write_rows

    write_rows(conn, rows, direct=direct)


@dataclass
class _Load:
    """What the import wrote so far (all inside its one transaction)."""

    direct: bool  # COPY straight into the tables (co2calc.db.ingest.can_copy_directly)
    writing: bool = True  # False once a row failed (all-or-nothing): only validate
    written: int = 0
    touched: set[int] = field(default_factory=set)  # report ids
    timings: dict[str, float] = field(
        default_factory=lambda: {
            "validate_s": 0.0,  # thread CPU in the chunk workers
            "compute_s": 0.0,  # (the same)
            "feed_cpu_s": 0.0,  # parse, ids, hand-over: the feeder thread's CPU
            "copy_s": 0.0,  # wall time of the writes
            "write_cpu_s": 0.0,  # the writing thread's CPU (results in, COPY out)
        }
    )


def _import(
    job: dict[str, Any],
    path: Path,
    ext: str,
    counts: _Counts,
    settings: Any,
) -> None:
    from co2calc.db import ingest as isql
    from co2calc.db import jobs as jsql
    from co2calc.db import transaction
    from co2calc.db import units as units_sql
    from co2calc.db.factorstore import reference_stamp
    from co2calc.ingest.chunks import ChunkSpec
    from co2calc.ingest.columns import check_header, layout
    from co2calc.ingest.read import open_rows

    module, submodule, year = job["module"], job["submodule"], job["year"]
    options = job["options"] or {}
    replace = options.get("mode") == "replace"
    institution = job["unit_id"] is None
    lay = layout(module, submodule, institution)
    rows = open_rows(path, ext)
    header = check_header(rows.header, lay)

    def progress(phase: str) -> None:
        with transaction(all_units=True) as pconn:
            jsql.progress(
                pconn,
                job["id"],
                phase=phase,
                rows_read=counts.read,
                rows_valid=counts.valid,
                rows_rejected=counts.rejected,
                lease_minutes=settings.import_lease_minutes,
            )

    progress("validating")
    with transaction(all_units=True) as conn:
        reports = isql.reports_of_year(conn, year)
        if not institution:
            report = reports.get(job["unit_id"])
            if report is None:
                raise NotImportable(f"The unit has no report for {year}: create the year first.")
            if report["status"] == "signed_off":
                raise NotImportable(f"The {year} report is signed off; it cannot change.")
            reports = {job["unit_id"]: report}
        spec = ChunkSpec(
            job_id=job["id"],
            year=year,
            module=module,
            submodule=submodule,
            unit_id=job["unit_id"],
            header=tuple(header),
            actor=job["created_by"],
            stamp=reference_stamp(conn, year),
            reports={u: (r["id"], r["status"]) for u, r in reports.items()},
            units=units_sql.unit_ids_by_code(conn) if institution else {},
            valid_rows_only=bool(options.get("valid_rows_only")),
            max_errors=settings.import_max_reported_errors,
        )
        if replace:
            isql.delete_previous_import(
                conn, year=year, module=module, submodule=submodule, unit_id=job["unit_id"]
            )
        load = _Load(direct=isql.can_copy_directly(conn))
        _rows_loop(conn, spec, rows.rows, load, counts, settings, progress)
        counts.written = load.written
        if load.touched:
            isql.mark_modules_started(conn, sorted(load.touched), module)
        t_commit = time.perf_counter()
        report_key = _error_report(job, counts.errors, None) if counts.errors else None
        jsql.finish_succeeded(
            conn,
            job["id"],
            rows_read=counts.read,
            rows_valid=counts.valid,
            rows_rejected=counts.rejected,
            rows_written=counts.written,
            error_report_key=report_key,
        )
    counts.timings = {
        **{k: round(v, 3) for k, v in load.timings.items()},
        "commit_s": round(time.perf_counter() - t_commit, 3),
    }


def _chunks(lines: Iterator[tuple[int, list[str]]], size: int, counts: _Counts, limit: int):
    """Lists of ``size`` parsed rows; refuses a file of more than ``limit`` data rows."""
    chunk: list[tuple[int, list[str]]] = []
    for item in lines:
        counts.read += 1
        if counts.read > limit:
            raise TooManyRows(
                f"The file has more than {limit:,} data rows: split it into several files."
            )
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rows_loop(
    conn,
    spec: Any,
    lines: Iterator[tuple[int, list[str]]],
    load: _Load,
    counts: _Counts,
    settings: Any,
    progress: Callable[[str], None],
) -> None:
    """Parse, validate and compute ahead; write here, in file order.

    A feeder thread parses the file into chunks, allocates each chunk's entry ids
    and hands it to the chunk workers, keeping up to workers + 1 chunks in flight;
    this thread takes their results in order and writes them, so parsing, computing
    and writing overlap. A failed row stops the writing (all-or-nothing, unless
    valid rows only) but not the validation, to report every problem.
    """
    import queue
    import threading
    from concurrent.futures.process import BrokenProcessPool

    from co2calc.ingest import chunks

    ex = chunks.executor()
    ahead: queue.Queue = queue.Queue(maxsize=max(2, settings.import_workers + 1))
    stop = threading.Event()
    last_progress = time.monotonic()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def feed() -> None:
        from co2calc.db import connection
        from co2calc.db import ingest as isql

        t0 = time.thread_time()
        try:
            size, limit = settings.import_batch_rows, settings.import_max_rows
            for chunk in _chunks(lines, size, counts, limit):
                # Not on the write connection, which may be acting as the loader role
                # for a COPY at any moment (co2calc.db.ingest.copy_direct); sequence
                # values are not transactional. Taken per chunk: a pool of two (write
                # transaction + progress) is enough.
                with connection() as ids_conn, ids_conn.transaction():
                    ids = isql.allocate_entry_ids(ids_conn, len(chunk))  # in file order
                future = ex.submit(chunks.build_chunk, spec, chunk, ids)
                if not put(future):
                    future.cancel()
                    return
            load.timings["feed_cpu_s"] = time.thread_time() - t0
            put(None)
        except BaseException as exc:  # raised again by the writing thread, in order
            put(exc)

    def take(result: chunks.ChunkResult) -> None:
        nonlocal last_progress
        counts.valid += result.valid
        counts.rejected += result.rejected
        counts.error_count += result.error_count
        room = settings.import_max_reported_errors - len(counts.errors)
        if room > 0:
            counts.errors.extend(result.errors[:room])
        for k, v in result.seconds.items():
            load.timings[k] += v
        if result.rejected and not spec.valid_rows_only:
            load.writing = False  # keep validating to report every problem
        if load.writing and result.rows is not None:
            t0 = time.perf_counter()
            _write_batch(conn, result.rows, direct=load.direct)
            load.timings["copy_s"] += time.perf_counter() - t0
            load.written += result.rows.n_entries
            load.touched |= result.rows.report_ids
        if time.monotonic() - last_progress > 1.0:
            progress("writing" if load.writing else "validating")
            last_progress = time.monotonic()

    feeder = threading.Thread(target=feed, name="ingest-feeder", daemon=True)
    feeder.start()
    t_write = time.thread_time()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            take(item.result())
    except BrokenProcessPool:
        chunks.reset_executor(ex)  # a worker died: the next import starts a new pool
        raise
    finally:
        load.timings["write_cpu_s"] += time.thread_time() - t_write
        stop.set()
        feeder.join()
        while not ahead.empty():
            item = ahead.get_nowait()
            if item is not None and not isinstance(item, BaseException):
                item.cancel()
    if counts.read == 0:
        from co2calc.ingest.errors import UnreadableFile

        raise UnreadableFile("The file has a header but no data rows.")
    if counts.rejected and not spec.valid_rows_only:
        first = counts.errors[0]
        raise InvalidRows(
            f"{counts.rejected} of {counts.read} rows are invalid ({counts.error_count}"
            f" problems; first: row {first.row}, column {first.column!r}: {first.message})."
            " Nothing was imported: see the error report.",
            errors=counts.errors,
        )
