"""One import, from an object-created event to committed entries and emissions.

1. Claim the job (conditional UPDATE on the job row; key = bucket + key + ETag).
2. Download the object to a temporary file (size checked against the limit).
3. Stream rows: header check, row validation, compute; valid rows are written
   in batches (COPY) inside ONE write transaction, which also deletes the
   previous entries in replace mode and marks the job succeeded — a crash
   anywhere rolls everything back, and a redelivery runs the job again.
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
from collections.abc import Callable
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

OWNER_FIELD = "traveller_id"  # travel rows belong to the traveller's user, when known


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
    after_batch: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import one uploaded object (idempotent). ``after_batch(n_batches)`` is a test seam."""
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
            _import(job, path, parsed.ext, counts, settings, after_batch)
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


class _Writer:
    """Batches of validated rows → computed (this thread) → COPY (a writer thread).

    The writer thread alone uses ``conn`` (the import's one write transaction) while
    this thread validates and computes the next batch, so Python CPU time and the
    database's insert time overlap. Entry ids and owners come from short separate
    transactions (sequence values are not transactional). :meth:`close` waits for
    the writer and re-raises its error; nothing is committed before the caller's
    transaction ends.
    """

    def __init__(self, conn, job: dict[str, Any], reports: dict[int, dict[str, Any]]) -> None:
        import queue
        import threading

        from co2calc.factorstore import calc_context
        from co2calc.ingest.bulk import BulkTarget

        self.conn = conn
        self.job = job
        self.reports = reports
        self.target = BulkTarget(
            job["year"],
            job["module"],
            job["submodule"],
            source="import",
            import_job=job["id"],
            actor=job["created_by"],
        )
        self.ctx = calc_context(conn, job["year"])
        self.batch: list[tuple[Any, int]] = []  # (entry, unit id)
        self.batches = 0
        self.written = 0
        self.touched: set[int] = set()
        self.timings = {"compute_s": 0.0, "copy_s": 0.0}
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write_loop, name="ingest-writer", daemon=True)
        self._thread.start()

    def add(self, entry: Any, unit_id: int) -> None:
        self.batch.append((entry, unit_id))

    def _write_loop(self) -> None:
        from co2calc.ingest.bulk import write_rows

        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain after a failure
            try:
                t0 = time.perf_counter()
                write_rows(self.conn, item)
                self.timings["copy_s"] += time.perf_counter() - t0
            except BaseException as exc:
                self._error = exc

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Wait for every queued batch to be written; re-raise a writer error."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._check()

    def flush(self) -> None:
        self._check()
        if not self.batch:
            return
        from co2calc.db import ingest as sql
        from co2calc.db import transaction
        from co2calc.ingest.bulk import build_rows

        t0 = time.perf_counter()
        owners: dict[str, int] = {}
        people = {getattr(e, OWNER_FIELD, None) for e, _ in self.batch} - {None}
        with transaction(all_units=True) as conn:
            if people:
                owners = sql.users_by_person_id(conn, sorted(people))
            ids = sql.allocate_entry_ids(conn, len(self.batch))
            items = [
                (entry, unit_id, owners.get(getattr(entry, OWNER_FIELD, None) or ""))
                for entry, unit_id in self.batch
            ]
            # computed and formatted as COPY text here: the writer thread only sends bytes
            rows = build_rows(conn, self.target, items, ids, self.reports, self.ctx)
        self.touched |= rows.report_ids
        self.timings["compute_s"] += time.perf_counter() - t0
        self._queue.put(rows)
        self.written += len(self.batch)
        self.batch = []
        self.batches += 1


def _import(
    job: dict[str, Any],
    path: Path,
    ext: str,
    counts: _Counts,
    settings: Any,
    after_batch: Callable[[int], None] | None,
) -> None:
    from co2calc.db import ingest as isql
    from co2calc.db import jobs as jsql
    from co2calc.db import transaction
    from co2calc.db import units as units_sql
    from co2calc.ingest.columns import check_header, layout
    from co2calc.ingest.read import open_rows
    from co2calc.ingest.rows import RowValidator

    module, submodule, year = job["module"], job["submodule"], job["year"]
    options = job["options"] or {}
    valid_rows_only = bool(options.get("valid_rows_only"))
    replace = options.get("mode") == "replace"
    institution = job["unit_id"] is None
    lay = layout(module, submodule, institution)
    rows = open_rows(path, ext)
    header = check_header(rows.header, lay)
    validator = RowValidator(module, submodule, lay, header)

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
        units = units_sql.unit_ids_by_code(conn) if institution else {}
        if not institution:
            report = reports.get(job["unit_id"])
            if report is None:
                raise NotImportable(f"The unit has no report for {year}: create the year first.")
            if report["status"] == "signed_off":
                raise NotImportable(f"The {year} report is signed off; it cannot change.")
        if replace:
            isql.delete_previous_import(
                conn, year=year, module=module, submodule=submodule, unit_id=job["unit_id"]
            )
        writer = _Writer(conn, job, reports)
        try:
            _rows_loop(
                job,
                rows,
                validator,
                writer,
                counts,
                settings,
                after_batch,
                progress,
                reports,
                units,
                valid_rows_only,
            )
        finally:
            writer.close()  # the writer thread is done with conn before commit/rollback
        counts.written = writer.written
        if writer.touched:
            isql.mark_modules_started(conn, sorted(writer.touched), module)
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
        **{k: round(v, 3) for k, v in writer.timings.items()},
        "commit_s": round(time.perf_counter() - t_commit, 3),
    }


def _rows_loop(
    job,
    rows,
    validator,
    writer,
    counts,
    settings,
    after_batch,
    progress,
    reports,
    units,
    valid_rows_only,
) -> None:
    """Validate every row; hand valid ones to the writer (unless a row failed)."""
    year = job["year"]
    institution = job["unit_id"] is None
    max_errors = settings.import_max_reported_errors
    last_progress = time.monotonic()
    writing = True
    for line, cells in rows.rows:
        counts.read += 1
        if counts.read > settings.import_max_rows:
            raise TooManyRows(
                f"The file has more than {settings.import_max_rows:,} data rows:"
                " split it into several files."
            )
        entry, unit_code, errors = validator.validate(line, cells)
        unit_id = job["unit_id"]
        if not errors and institution:
            unit_id = units.get(unit_code or "")
            rep = reports.get(unit_id) if unit_id else None
            if unit_id is None:
                errors = [RowError(line, "unit", unit_code or "", "unknown unit code")]
            elif rep is None or rep["status"] == "signed_off":
                why = "no report" if rep is None else "report signed off"
                errors = [RowError(line, "unit", unit_code or "", f"{why} for {year}")]
        if errors:
            counts.rejected += 1
            counts.error_count += len(errors)
            if len(counts.errors) < max_errors:
                counts.errors.extend(errors[: max_errors - len(counts.errors)])
            if not valid_rows_only:
                writing = False  # keep validating to report every problem
                writer.batch = []
            continue
        counts.valid += 1
        if writing:
            writer.add(entry, unit_id)
            if len(writer.batch) >= settings.import_batch_rows:
                writer.flush()
                if after_batch is not None:
                    after_batch(writer.batches)
        if time.monotonic() - last_progress > 1.0:
            progress("validating" if not writing else "writing")
            last_progress = time.monotonic()
    if counts.read == 0:
        from co2calc.ingest.errors import UnreadableFile

        raise UnreadableFile("The file has a header but no data rows.")
    if counts.rejected and not valid_rows_only:
        first = counts.errors[0]
        raise InvalidRows(
            f"{counts.rejected} of {counts.read} rows are invalid ({counts.error_count}"
            f" problems; first: row {first.row}, column {first.column!r}: {first.message})."
            " Nothing was imported: see the error report.",
            errors=counts.errors,
        )
    writer.flush()
    if after_batch is not None:
        after_batch(writer.batches)
