"""SQL for recalculation: the job queue of slices, the entry stream and set-based writes.

A slice is a year, optionally narrowed to one module and/or one unit. Requests
for a slice become ``job`` rows of kind ``recalc``; a pending job covering the
requested slice absorbs the request (coalescing). One runner per year at a time
holds a session advisory lock; it drains the year's pending jobs.

Entries of signed-off reports are never read (their results are frozen).
Writes go through two temporary tables per connection: one ``COPY`` each, then
one delete + insert on ``emission`` and one ``UPDATE … FROM`` on ``entry``,
guarded by the entry version read (a concurrent edit wins).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from co2calc.db.emissions import EMISSION_COLUMNS  # one definition of the emission row

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = [
    "EMISSION_COLUMNS",
    "claim_next",
    "finish_job",
    "has_pending",
    "progress",
    "release_job",
    "request_job",
    "set_system_scope",
    "stream_entries",
    "try_lock_year",
    "unlock_year",
    "write_batch",
]

# Advisory lock namespaces (first key of the two-int form); the second is the year.
_LOCK_RUNNER = 0x5EC0
_LOCK_REQUEST = 0x5EC1


def set_system_scope(conn: Connection) -> None:
    """Row-level security: a system job sees every unit (transaction-local)."""
    conn.execute("select set_config('co2calc.visible_units', '*', true)")


def _dict_cursor(conn: Connection):
    from psycopg.rows import dict_row

    return conn.cursor(row_factory=dict_row)


def request_job(
    conn: Connection, *, year: int, module: str | None, unit_id: int | None, reason: str
) -> tuple[dict[str, Any], bool]:
    """The pending job covering the slice, or a new one; ``(job, created)``.

    A new, wider job absorbs the narrower pending ones (marked ``coalesced``).
    Serialised per year by a transaction advisory lock, so two concurrent
    requests cannot both insert.
    """
    from psycopg.types.json import Jsonb

    conn.execute("select pg_advisory_xact_lock(%s, %s)", (_LOCK_REQUEST, year))
    cur = _dict_cursor(conn)
    covering = cur.execute(
        "select * from job where kind = 'recalc' and status = 'pending' and year = %(y)s"
        " and (module is null or module is not distinct from %(m)s)"
        " and (unit_id is null or unit_id is not distinct from %(u)s)"
        " order by created_at limit 1",
        {"y": year, "m": module, "u": unit_id},
    ).fetchone()
    if covering is not None:
        return covering, False
    job = cur.execute(
        "insert into job (id, kind, status, phase, year, unit_id, module, options)"
        " values (%s, 'recalc', 'pending', 'queued', %s, %s, %s, %s) returning *",
        (uuid.uuid4().hex, year, unit_id, module, Jsonb({"reason": reason})),
    ).fetchone()
    cur.execute(
        "update job set status = 'succeeded', phase = 'coalesced', finished_at = now(),"
        " options = options || jsonb_build_object('coalesced_into', %(id)s::text)"
        " where kind = 'recalc' and status = 'pending' and year = %(y)s and id <> %(id)s"
        " and (%(m)s::text is null or module = %(m)s)"
        " and (%(u)s::bigint is null or unit_id = %(u)s)",
        {"id": job["id"], "y": year, "m": module, "u": unit_id},
    )
    return job, True


def try_lock_year(conn: Connection, year: int) -> bool:
    """Session-level: one runner per year; release with :func:`unlock_year`."""
    row = conn.execute("select pg_try_advisory_lock(%s, %s)", (_LOCK_RUNNER, year)).fetchone()
    return bool(row[0] if isinstance(row, tuple) else next(iter(row.values())))


def unlock_year(conn: Connection, year: int) -> None:
    conn.execute("select pg_advisory_unlock(%s, %s)", (_LOCK_RUNNER, year))


def has_pending(conn: Connection, year: int) -> bool:
    row = (
        _dict_cursor(conn)
        .execute(
            "select exists (select 1 from job where kind = 'recalc' and status = 'pending'"
            " and year = %s) as p",
            (year,),
        )
        .fetchone()
    )
    return bool(row["p"])


def claim_next(conn: Connection, year: int, lease_s: int) -> dict[str, Any] | None:
    """Oldest pending job of the year → running, with a lease (wider slices first)."""
    return (
        _dict_cursor(conn)
        .execute(
            "update job set status = 'running', phase = 'computing', attempts = attempts + 1,"
            " started_at = now(), heartbeat_at = now(),"
            " lease_until = now() + make_interval(secs => %(lease)s)"
            " where id = (select id from job where kind = 'recalc' and status = 'pending'"
            " and year = %(y)s order by (module is null and unit_id is null) desc, created_at"
            " for update skip locked limit 1) returning *",
            {"y": year, "lease": lease_s},
        )
        .fetchone()
    )


def progress(conn: Connection, job_id: str, *, read: int, written: int, lease_s: int) -> None:
    conn.execute(
        "update job set rows_read = %s, rows_written = %s, heartbeat_at = now(),"
        " lease_until = now() + make_interval(secs => %s) where id = %s",
        (read, written, lease_s, job_id),
    )


def finish_job(
    conn: Connection,
    job_id: str,
    *,
    read: int,
    written: int,
    error: dict[str, str] | None = None,
) -> None:
    from psycopg.types.json import Jsonb

    conn.execute(
        "update job set status = %s, phase = %s, rows_read = %s, rows_valid = %s,"
        " rows_written = %s, error = %s, finished_at = now(), lease_until = null where id = %s",
        (
            "failed" if error else "succeeded",
            "failed" if error else "done",
            read,
            read,
            written,
            None if error is None else Jsonb(error),
            job_id,
        ),
    )


def release_job(conn: Connection, job_id: str, *, failed: bool, error: dict[str, str]) -> None:
    """After an error: pending again (a redelivery or maintenance runs it) or failed."""
    from psycopg.types.json import Jsonb

    conn.execute(
        "update job set status = %s, phase = %s, error = %s, lease_until = null,"
        " finished_at = case when %s then now() end where id = %s",
        (
            "failed" if failed else "pending",
            "failed" if failed else "queued",
            Jsonb(error),
            failed,
            job_id,
        ),
    )


def stream_entries(
    conn: Connection,
    *,
    year: int,
    module: str | None,
    unit_id: int | None,
    batch_size: int,
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of ``(id, unit_id, module, submodule, version, data)`` through a server-side cursor.

    ``data`` is the JSON text (for ``model_validate_json``: parsing jsonb into
    Python objects first costs more than the validation itself).

    Must run inside a transaction on ``conn`` (a dedicated reading connection).
    """
    from psycopg import sql
    from psycopg.rows import tuple_row

    where = [sql.SQL("e.year = {}").format(year), sql.SQL("r.status <> 'signed_off'")]
    if module is not None:
        where.append(sql.SQL("e.module = {}").format(module))
    if unit_id is not None:
        where.append(sql.SQL("e.unit_id = {}").format(unit_id))
    query = sql.SQL(
        "select e.id, e.unit_id, e.module, e.submodule, e.version, e.data::text"
        " from entry e join report r on r.id = e.report_id where {}"
    ).format(sql.SQL(" and ").join(where))
    set_system_scope(conn)
    with conn.cursor(name=f"recalc_{uuid.uuid4().hex[:8]}", row_factory=tuple_row) as cur:
        cur.itersize = batch_size
        cur.execute(query)
        while rows := cur.fetchmany(batch_size):
            yield rows


def write_batch(
    conn: Connection, entries: Iterable[Sequence[Any]], emissions: Iterable[Sequence[Any]]
) -> int:
    """Replace the emission rows and entry totals of one batch, in its own transaction;
    returns entries written (see :func:`co2calc.db.emissions.write_recomputed`).

    ``entries``: ``(id, version, kg, estimate, flag_reason, flag_detail, n_rows)``;
    ``emissions``: rows in :data:`EMISSION_COLUMNS` order.
    """
    from co2calc.db.emissions import write_recomputed

    with conn.transaction():
        set_system_scope(conn)
        return write_recomputed(conn, entries, emissions)
