"""SQL for import jobs: creation, the idempotency state machine, progress.

States: pending → running (claimed with a lease) → succeeded | failed. The claim
is one conditional UPDATE: it succeeds on a pending job, or on a running job
whose lease (in-progress deadline) has passed. A run that crashes releases the
job to pending (or its lease expires), so a redelivery can run it again.

A person retries a failed job (:func:`lock_job`, then :func:`reset_for_retry`):
the row goes back to pending with its counters cleared and keeps its object
and ETag, so the re-emitted object-created event claims it like the first one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "claim",
    "create_import_job",
    "fail_unqueued",
    "finish_failed",
    "finish_succeeded",
    "get_job",
    "list_jobs",
    "lock_job",
    "mark_retried",
    "progress",
    "release",
    "reset_for_retry",
    "unit_code",
]


def _jsonb(value: Any):
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def unit_code(conn: Connection, unit_id: int) -> str | None:
    row = conn.execute("select code from org_unit where id = %s", (unit_id,)).fetchone()
    return row and row["code"]


def create_import_job(
    conn: Connection,
    *,
    job_id: str,
    year: int,
    unit_id: int | None,
    module: str,
    submodule: str,
    options: dict[str, Any],
    bucket: str,
    object_key: str,
    created_by: int,
) -> dict[str, Any]:
    return conn.execute(
        "insert into job (id, kind, status, phase, year, unit_id, module, submodule, options,"
        " bucket, object_key, created_by) values (%s, 'import', 'pending', 'waiting_for_upload',"
        " %s, %s, %s, %s, %s, %s, %s, %s) returning *",
        (job_id, year, unit_id, module, submodule, _jsonb(options), bucket, object_key, created_by),
    ).fetchone()


def get_job(conn: Connection, job_id: str) -> dict[str, Any] | None:
    return conn.execute(
        "select j.*, u.code as unit_code from job j left join org_unit u on u.id = j.unit_id"
        " where j.id = %s",
        (job_id,),
    ).fetchone()


def lock_job(conn: Connection, job_id: str) -> dict[str, Any] | None:
    """The job row (with its unit code), locked until the transaction ends."""
    return conn.execute(
        "select j.*, u.code as unit_code from job j left join org_unit u on u.id = j.unit_id"
        " where j.id = %s for update of j",
        (job_id,),
    ).fetchone()


def reset_for_retry(conn: Connection, job_id: str) -> dict[str, Any] | None:
    """A failed (or released) import → pending, as if never run; None if not in that state.

    Object, ETag and options stay (``options.retries`` counts the retries); attempts,
    counters, error, error report, timestamps and lease are cleared.
    """
    return conn.execute(
        "with j as (update job set status = 'pending', phase = 'queued', attempts = 0,"
        " rows_read = 0, rows_valid = 0, rows_rejected = 0, rows_written = 0, error = null,"
        " error_report_key = null, started_at = null, heartbeat_at = null, finished_at = null,"
        " lease_until = null, options = options || jsonb_build_object('retries',"
        " coalesce((options ->> 'retries')::int, 0) + 1)"
        " where id = %s and kind = 'import' and status in ('failed', 'pending')"
        " and etag is not null returning *)"
        " select j.*, u.code as unit_code from j left join org_unit u on u.id = j.unit_id",
        (job_id,),
    ).fetchone()


def fail_unqueued(conn: Connection, job_id: str, error: dict[str, Any]) -> None:
    """A retried import whose event could not be sent: failed again (unless it was claimed)."""
    conn.execute(
        "update job set status = 'failed', phase = 'failed', error = %s, finished_at = now()"
        " where id = %s and kind = 'import' and status = 'pending' and phase = 'queued'",
        (_jsonb(error), job_id),
    )


def mark_retried(conn: Connection, job_id: str, retried_as: str) -> None:
    """A failed recalculation: remember the job that runs its slice again."""
    conn.execute(
        "update job set options = options || jsonb_build_object('retried_as', %s::text)"
        " where id = %s",
        (retried_as, job_id),
    )


def list_jobs(
    conn: Connection,
    *,
    units: list[int] | None,
    unit_id: int | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Import jobs, newest first; ``units`` None = every unit (admin), else those unit ids."""
    where, args = ["j.kind = 'import'"], []
    if units is not None:
        where.append("j.unit_id = any(%s)")
        args.append(units)
    if unit_id is not None:
        where.append("j.unit_id = %s")
        args.append(unit_id)
    if status is not None:
        where.append("j.status = %s")
        args.append(status)
    cond = " and ".join(where)
    total = conn.execute(f"select count(*) as n from job j where {cond}", args).fetchone()["n"]
    rows = conn.execute(
        "select j.*, u.code as unit_code from job j left join org_unit u on u.id = j.unit_id"
        f" where {cond} order by j.created_at desc, j.id limit %s offset %s",
        [*args, limit, offset],
    ).fetchall()
    return rows, total


def claim(
    conn: Connection, job_id: str, *, bucket: str, key: str, etag: str, lease_minutes: float
) -> dict[str, Any] | None:
    """pending (or running with an expired lease) → running; None if not claimable."""
    return conn.execute(
        "update job set status = 'running', phase = 'reading', etag = %s,"
        " attempts = attempts + 1, started_at = now(), heartbeat_at = now(),"
        " lease_until = now() + make_interval(secs => %s), rows_read = 0, rows_valid = 0,"
        " rows_rejected = 0, rows_written = 0, error = null, error_report_key = null"
        " where id = %s and kind = 'import' and bucket = %s and object_key = %s"
        " and (status = 'pending' or (status = 'running' and lease_until < now()))"
        " returning *",
        (etag, lease_minutes * 60, job_id, bucket, key),
    ).fetchone()


def progress(
    conn: Connection,
    job_id: str,
    *,
    phase: str,
    rows_read: int,
    rows_valid: int,
    rows_rejected: int,
    lease_minutes: float,
) -> None:
    """Progress and heartbeat of a running job (extends its lease)."""
    conn.execute(
        "update job set phase = %s, rows_read = %s, rows_valid = %s, rows_rejected = %s,"
        " heartbeat_at = now(), lease_until = now() + make_interval(secs => %s)"
        " where id = %s and status = 'running'",
        (phase, rows_read, rows_valid, rows_rejected, lease_minutes * 60, job_id),
    )


def finish_succeeded(
    conn: Connection,
    job_id: str,
    *,
    rows_read: int,
    rows_valid: int,
    rows_rejected: int,
    rows_written: int,
    error_report_key: str | None,
) -> None:
    conn.execute(
        "update job set status = 'succeeded', phase = 'done', rows_read = %s, rows_valid = %s,"
        " rows_rejected = %s, rows_written = %s, error_report_key = %s,"
        " finished_at = clock_timestamp(), heartbeat_at = clock_timestamp(),"
        " lease_until = null where id = %s",
        (rows_read, rows_valid, rows_rejected, rows_written, error_report_key, job_id),
    )


def finish_failed(
    conn: Connection,
    job_id: str,
    *,
    error: dict[str, Any],
    rows_read: int,
    rows_valid: int,
    rows_rejected: int,
    error_report_key: str | None,
) -> None:
    conn.execute(
        "update job set status = 'failed', phase = 'failed', error = %s, rows_read = %s,"
        " rows_valid = %s, rows_rejected = %s, rows_written = 0, error_report_key = %s,"
        " finished_at = now(), lease_until = null where id = %s",
        (_jsonb(error), rows_read, rows_valid, rows_rejected, error_report_key, job_id),
    )


def release(conn: Connection, job_id: str, error: dict[str, Any]) -> None:
    """A crashed run: back to pending so a redelivery runs it again (the error is kept)."""
    conn.execute(
        "update job set status = 'pending', phase = 'retrying', error = %s, lease_until = null"
        " where id = %s and status = 'running'",
        (_jsonb(error), job_id),
    )
