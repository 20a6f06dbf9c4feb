"""SQL for recalculation: the job queue of slices, the entry stream and set-based writes.

A slice is a year, optionally narrowed to one module and/or one unit. Requests
for a slice become ``job`` rows of kind ``recalc``; a pending job covering the
requested slice absorbs the request (coalescing). One runner per year at a time
holds a session advisory lock; it drains the year's pending jobs.

Entries of signed-off reports are never read (their results are frozen).
The set-based path (values-only factor changes) keeps a per-session plan table
``recalc_plan`` and re-values rows and entry totals with one statement per range
of entry ids (:func:`revalue_batch`).
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
    "load_plan",
    "progress",
    "release_job",
    "request_job",
    "revalue_batch",
    "set_system_scope",
    "stale_row_keys",
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
    conn: Connection,
    *,
    year: int,
    module: str | None,
    unit_id: int | None,
    reason: str,
    scope: str = "all",
) -> tuple[dict[str, Any], bool]:
    """The pending job covering the slice, or a new one; ``(job, created)``.

    A new, wider job absorbs the narrower pending ones (marked ``coalesced``).
    Serialised per year by a transaction advisory lock, so two concurrent
    requests cannot both insert. ``scope`` (``options.scope``) is ``factors``
    when only the active factor set changed, ``all`` otherwise; a job that
    absorbs an ``all`` request or job becomes ``all`` (a job without the key
    is ``all``).
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
        if scope == "all" and (covering["options"] or {}).get("scope", "all") != "all":
            covering = cur.execute(
                'update job set options = options || \'{"scope": "all"}\'::jsonb'
                " where id = %s returning *",
                (covering["id"],),
            ).fetchone()
        return covering, False
    if scope != "all":  # absorbing a narrower pending job that recomputes everything
        wider = cur.execute(
            "select exists (select 1 from job where kind = 'recalc' and status = 'pending'"
            " and year = %(y)s and (%(m)s::text is null or module = %(m)s)"
            " and (%(u)s::bigint is null or unit_id = %(u)s)"
            " and coalesce(options ->> 'scope', 'all') = 'all') as x",
            {"y": year, "m": module, "u": unit_id},
        ).fetchone()
        if wider["x"]:
            scope = "all"
    job = cur.execute(
        "insert into job (id, kind, status, phase, year, unit_id, module, options)"
        " values (%s, 'recalc', 'pending', 'queued', %s, %s, %s, %s) returning *",
        (uuid.uuid4().hex, year, unit_id, module, Jsonb({"reason": reason, "scope": scope})),
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
    stale_of: str | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of ``(id, unit_id, module, submodule, version, data)`` through a server-side cursor.

    ``data`` is the JSON text (for ``model_validate_json``: parsing jsonb into
    Python objects first costs more than the validation itself). With
    ``stale_of`` (a factor set version) only entries that still have an emission
    row of another version (research facilities aside: see :func:`stale_row_keys`).

    Must run inside a transaction on ``conn`` (a dedicated reading connection).
    """
    from psycopg import sql
    from psycopg.rows import tuple_row

    where = [sql.SQL("e.year = {}").format(year), sql.SQL("r.status <> 'signed_off'")]
    if module is not None:
        where.append(sql.SQL("e.module = {}").format(module))
    if unit_id is not None:
        # the unit's report, then its entries through entry_list_idx (report_id, …)
        where.append(sql.SQL("r.unit_id = {} and r.year = {}").format(unit_id, year))
    if stale_of is not None:
        # "= any(array(…))": index lookups of the few stale entries (a semi-join
        # would read the whole entry table)
        where.append(
            sql.SQL(
                "e.id = any(array(select distinct m.entry_id from emission m where m.year = {}"
                " and m.factor_version <> {} and m.module <> 'research-facilities'))"
            ).format(year, stale_of)
        )
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


# -- the set-based path (values-only factor changes; see co2calc.recalc) ----------


def _r28(x: str) -> str:
    """SQL: ``x`` (≥ 0) rounded as the engine's Decimal arithmetic rounds it: 28
    significant digits, ties to even (``co2calc_round28``, migration 0013).

    Inline for the common cases, the function (a plpgsql call, ~4 µs) only for the
    rare ones: a value with ≤ 27 integer + decimal digits is exact as it is; otherwise
    ``round`` at 27 − exponent decimals is the engine's result unless the float
    exponent may be off (within 1e-9 of a power of ten) or the discarded part may
    be exactly a half (no digit beyond the first discarded one: ``round`` takes
    ties away from zero, Decimal to even).
    """
    lg = f"log(abs({x})::float8)"
    keep = f"27 - floor({lg})::int"
    return (
        f"(case when ({x}) = 0 or scale({x}) + greatest(0, floor({lg})::int + 1) < 28"
        f" then ({x}) when abs({lg} - round({lg})) > 1e-9 and trunc({x}, {keep} + 1) <> ({x})"
        f" then round({x}, least(scale({x}), {keep})) else co2calc_round28({x}) end)"
    )


def _rounds_to(kg: str, x: str) -> str:
    """SQL: the stored ``kg`` is ``x`` rounded to kg's own decimals (half up or half
    even): the row is ``quantity × factor`` (a guard, cheaper than rounding ``x``)."""
    return f"({kg} = round({x}, scale({kg})) or {kg} = trunc({x}, scale({kg})))"


def _stale_filter(year: int, module: str | None, unit_id: int | None, current: str):
    """Emission rows of the slice's open reports not at ``current`` (facility rows aside:
    their version is the facility footprint's, not a factor set's)."""
    from psycopg import sql

    where = [
        sql.SQL("m.year = {}").format(year),
        sql.SQL("m.factor_version <> {}").format(current),
        sql.SQL("m.module <> 'research-facilities'"),
        # a report is one unit's year (unique): frozen units, no join with entry/report
        sql.SQL(
            "m.unit_id <> all(array(select unit_id from report where year = {}"
            " and status = 'signed_off'))"
        ).format(year),
    ]
    if module is not None:
        where.append(sql.SQL("m.module = {}").format(module))
    if unit_id is not None:
        where.append(sql.SQL("m.unit_id = {}").format(unit_id))
    return sql.SQL(" and ").join(where)


def stale_row_keys(
    conn: Connection, *, year: int, module: str | None, unit_id: int | None, current: str
) -> list[tuple[str, str, str, str, float, float, int, int, int]]:
    """Distinct ``(factor_version, module, submodule, factor_id, factor_uncertainty,
    uncertainty)`` of the slice's rows not computed with ``current``, each with its
    row count and lowest and highest entry id (one scan of the year's rows)."""
    from psycopg import sql
    from psycopg.rows import tuple_row

    set_system_scope(conn)
    query = sql.SQL(
        "select m.factor_version, m.module, m.submodule, m.factor_id, m.factor_uncertainty,"
        " m.uncertainty, count(*), min(m.entry_id), max(m.entry_id) from emission m where {}"
        " group by 1, 2, 3, 4, 5, 6"
    ).format(_stale_filter(year, module, unit_id, current))
    return conn.cursor(row_factory=tuple_row).execute(query).fetchall()


PLAN_COLUMNS = (
    "old_version",
    "module",
    "submodule",
    "factor_id",
    "old_fu",
    "old_unc",
    "revalue",
    "ambiguous",
    "old_value",
    "new_value",
    "new_fu",
    "new_unc",
)


def load_plan(conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """The plan of this connection's session (temporary table ``recalc_plan``): how a
    row keyed by its version, leaf's module/submodule, factor id and uncertainties is
    re-valued; ``rows`` in :data:`PLAN_COLUMNS` order."""
    conn.execute(
        "create temp table if not exists recalc_plan (old_version text, module text,"
        " submodule text, factor_id text, old_fu double precision, old_unc double precision,"
        " revalue boolean, ambiguous boolean, old_value numeric, new_value numeric,"
        " new_fu double precision, new_unc double precision)"
    )
    conn.execute("truncate recalc_plan")
    with conn.cursor().copy(f"copy recalc_plan ({', '.join(PLAN_COLUMNS)}) from stdin") as copy:
        for row in rows:
            copy.write_row(row)
    conn.execute("analyze recalc_plan")


# One statement per batch: re-value the rows, then the totals of the entries they
# belong to from the rows just written (an entry left with an old row — no plan
# for it — gets a partial total here and is rewritten whole by the engine pass).
# A batch is a range of entry ids ("between": an index range scan whatever the
# statistics) with the slice's filter, so no id list is sent.
_REVALUE = (
    "with u as (update emission m set"
    f" kg_co2e = case when p.revalue then {_r28('m.quantity * p.new_value')} else m.kg_co2e end,"
    " factor_version = {current}, factor_uncertainty = p.new_fu, uncertainty = p.new_unc"
    " from recalc_plan p where m.entry_id between {lo} and {hi} and {stale}"
    " and m.factor_version = p.old_version and m.module = p.module"
    " and m.submodule = p.submodule and m.factor_id = p.factor_id"
    " and m.factor_uncertainty = p.old_fu and m.uncertainty = p.old_unc"
    # the row is what the plan assumes (kg = quantity × factor): else the engine does it;
    # a key with several prices (class ratios): exactly this price's kg, never a zero
    " and case when p.ambiguous then m.kg_co2e <> 0 and m.kg_co2e ="
    f" {_r28('m.quantity * p.old_value')} when p.revalue then"
    f" {_rounds_to('m.kg_co2e', 'm.quantity * p.old_value')} else true end"
    " returning m.entry_id, m.kg_co2e),"
    " s as (select entry_id, count(*) as n, sum(kg_co2e) as kg from u group by entry_id),"
    " t as (update entry e set"
    f" kg_co2e = {_r28('s.kg')} from s where e.id between {{lo}} and {{hi}}"
    f" and e.id = s.entry_id and e.kg_co2e is distinct from {_r28('s.kg')} returning 1)"
    " select (select coalesce(sum(n), 0) from s), (select count(*) from s),"
    " (select count(*) from t)"
)


def revalue_batch(
    conn: Connection,
    *,
    year: int,
    module: str | None,
    unit_id: int | None,
    current: str,
    lo: int,
    hi: int,
) -> tuple[int, int, int]:
    """Re-value in SQL the planned rows of the slice's entries with ids in ``lo..hi`` and
    recompute the totals of the entries touched; ``(rows, entries touched, entry
    totals changed)``. Runs in the caller's transaction (row-level security scope
    set); the plan is loaded (:func:`load_plan`).

    Rows are matched on their version: an entry edited meanwhile was recomputed with
    the current set by its own transaction and is not matched. Entries left with a
    row of an old version (no plan for it) go through the engine afterwards.
    """
    from psycopg import sql
    from psycopg.rows import tuple_row

    cur = conn.cursor(row_factory=tuple_row)
    cur.execute("set local jit = off")  # compiling costs more than it saves on a batch
    cur.execute("set local work_mem = '64MB'")  # the per-entry sums stay in memory
    query = sql.SQL(_REVALUE).format(
        current=current,
        lo=lo,
        hi=hi,
        stale=_stale_filter(year, module, unit_id, current),
    )
    row = cur.execute(query).fetchone()
    return int(row[0]), int(row[1]), int(row[2])
