"""THE write path of emission rows (and of computed entry totals), for every caller.

Two variants of the same thing:

- row at a time (:func:`replace`): the API's create/update and
  ``entries.service.recompute_entries`` — delete the entries' rows, insert the
  new ones (a multi-row INSERT, or COPY through a staging table when large);
- bulk through staging (:func:`copy_new`, :func:`write_recomputed`): imports,
  seeding and recalculation — one COPY into a temporary table per batch, then
  set-based statements on ``emission``/``entry`` (COPY FROM is refused on tables
  with row-level security, so the final write is an ``INSERT … SELECT`` that
  passes the RLS policies like any other write).

Integrity (migration 0012): emission rows have no foreign keys; deleting an
entry deletes its emission rows through a statement trigger. Rows are only
inserted here, for entries inserted in the same transaction or held with
``FOR KEY SHARE``/``FOR UPDATE`` while their rows are written, so no orphan can
appear.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.calc.result import EmissionRow

__all__ = [
    "EMISSION_COLUMNS",
    "RECOMPUTED_COLUMNS",
    "CopyRows",
    "copy_new",
    "copy_text",
    "copy_via_stage",
    "emission_row",
    "replace",
    "write_recomputed",
]

EMISSION_COLUMNS = (
    "entry_id",
    "unit_id",
    "year",
    "module",
    "submodule",
    "leaf",
    "scope",
    "category",
    "kg_co2e",
    "quantity",
    "quantity_unit",
    "factor_id",
    "factor_version",
    "uncertainty",
    "factor_uncertainty",
    "estimate",
)


def emission_row(entry_id: int, unit_id: int, year: int, r: EmissionRow) -> tuple[Any, ...]:
    """One engine row as the values of ``EMISSION_COLUMNS`` (the one place of that order)."""
    return (
        entry_id, unit_id, year, r.module, r.submodule, r.leaf, r.scope, r.category, r.kg,
        r.quantity, r.quantity_unit, r.factor_id, r.factor_version, r.uncertainty,
        r.factor_uncertainty, r.estimate,
    )  # fmt: skip


# one recomputed entry: totals, flag, how many emission rows it now has
RECOMPUTED_COLUMNS = ("id", "version", "kg", "estimate", "flag_reason", "flag_detail", "n_rows")
_MULTI_ROW_INSERT_MAX = 20

# Rows for a COPY: tuples, or the COPY text already formatted by :func:`copy_text`.
type CopyRows = Iterable[Sequence[Any]] | bytes


def copy_text(conn: Connection, rows: Iterable[Sequence[Any]]) -> bytes:
    """The COPY (text format) payload of ``rows``, formatted here without the server.

    Bulk writers format in the thread that computes the rows and hand the bytes
    to their writer thread: the writer then sends one buffer instead of taking
    the GIL back for every row, which the computing thread holds most of the time
    (measured on recalculation: the writer thread spent 3× longer than alone).
    """
    import io

    from psycopg import Copy
    from psycopg.copy import FileWriter

    buf = io.BytesIO()
    with Copy(conn.cursor(), writer=FileWriter(buf)) as copy:
        for row in rows:
            copy.write_row(row)
    return buf.getvalue()


def _copy_in(cur: Any, statement: str, rows: CopyRows) -> None:
    with cur.copy(statement) as copy:
        if isinstance(rows, bytes):
            copy.write(rows)
        else:
            for row in rows:
                copy.write_row(row)


def copy_via_stage(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: CopyRows,
    *,
    identity: bool = False,
) -> None:
    """COPY ``rows`` into a temporary staging table shaped like ``table``, then one
    ``INSERT … SELECT`` into ``table`` (``identity``: the rows carry their ids)."""
    stage = f"_stage_{table}"
    cols = ", ".join(columns)
    conn.execute(
        f"create temp table if not exists {stage} as select {cols} from {table} with no data"
    )
    _copy_in(conn.cursor(), f"copy {stage} ({cols}) from stdin", rows)
    overriding = " overriding system value" if identity else ""
    conn.execute(f"insert into {table} ({cols}){overriding} select {cols} from {stage}")
    conn.execute(f"truncate {stage}")


def copy_new(conn: Connection, rows: CopyRows) -> None:
    """Bulk insert of the emission rows of entries inserted in this transaction
    (tuples in :data:`EMISSION_COLUMNS` order)."""
    copy_via_stage(conn, "emission", EMISSION_COLUMNS, rows)


def replace(conn: Connection, entry_ids: Sequence[int], rows: Sequence[tuple[Any, ...]]) -> None:
    """Delete the emission rows of ``entry_ids`` and insert ``rows`` (row-at-a-time path).

    The entries must be inserted or locked (``FOR UPDATE``) by this transaction.
    """
    if entry_ids:
        conn.execute("delete from emission where entry_id = any(%s)", (list(entry_ids),))
    if not rows:
        return
    if len(rows) <= _MULTI_ROW_INSERT_MAX:
        placeholders = "(" + ", ".join(["%s"] * len(EMISSION_COLUMNS)) + ")"
        conn.execute(
            f"insert into emission ({', '.join(EMISSION_COLUMNS)}) values "
            + ", ".join([placeholders] * len(rows)),
            [v for row in rows for v in row],
        )
        return
    copy_new(conn, rows)


_TEMP = (
    "create temp table if not exists recalc_entry (id bigint primary key, version integer,"
    " kg numeric, estimate boolean, flag_reason text, flag_detail text, n_rows integer,"
    " old_rows integer not null default 0) on commit delete rows;"
    " create temp table if not exists recalc_emission (entry_id bigint, unit_id bigint,"
    " year integer, module text, submodule text, leaf text, scope smallint, category text,"
    " kg_co2e numeric, quantity numeric, quantity_unit text, factor_id text,"
    " factor_version text, uncertainty double precision, factor_uncertainty double precision,"
    " estimate boolean) on commit delete rows;"
    " truncate recalc_entry, recalc_emission"
)
_SET = ", ".join(f"{c} = r.{c}" for c in EMISSION_COLUMNS[1:])
_OLD = ", ".join(f"m.{c}" for c in EMISSION_COLUMNS[1:])
_NEW = ", ".join(f"r.{c}" for c in EMISSION_COLUMNS[1:])
_SINGLE = "t.n_rows = 1 and t.old_rows = 1"
# Every join on entry/emission is driven by "= any(array(select id from recalc_entry…))":
# an index scan of the batch's ids whatever the statistics (temporary tables have
# none, and a hash join would read the whole entry or emission table per batch).


def write_recomputed(conn: Connection, entries: CopyRows, emissions: CopyRows) -> int:
    """Replace the emission rows and totals of recomputed entries; returns entries written.

    ``entries``: tuples in :data:`RECOMPUTED_COLUMNS` order; ``emissions``: rows
    in :data:`EMISSION_COLUMNS` order. Runs in the caller's transaction (row-level
    security scope already set). An entry whose version moved since it was read
    is left alone (a concurrent edit recomputed it itself). The common case
    (one row before, one after) is updated in place and only where a value
    differs (a HOT update: no index is touched); other entries get delete +
    insert, holding their entry row ``FOR KEY SHARE`` so a concurrent delete
    waits for the commit (and its trigger then removes the new rows).
    """
    from psycopg.rows import tuple_row

    cur = conn.cursor(row_factory=tuple_row)
    cur.execute(_TEMP)
    _copy_in(cur, f"copy recalc_entry ({', '.join(RECOMPUTED_COLUMNS)}) from stdin", entries)
    _copy_in(cur, f"copy recalc_emission ({', '.join(EMISSION_COLUMNS)}) from stdin", emissions)
    # One round trip for all statements (no parameters: the simple query protocol).
    cur.execute(_RECOMPUTED_SQL)
    while cur.nextset():
        pass
    return cur.fetchone()[0]


_IDS = "any(array(select id from recalc_entry))"
_SINGLE_IDS = f"any(array(select id from recalc_entry t where {_SINGLE}))"
_MULTI_IDS = f"any(array(select id from recalc_entry t where not ({_SINGLE})))"
_RECOMPUTED_SQL = ";\n".join(
    [
        # only entries still at the version read (a concurrent edit recomputed them itself)
        "delete from recalc_entry t where t.version is distinct from"
        " (select e.version from entry e where e.id = t.id)",
        "update recalc_entry t set old_rows = o.n from (select m.entry_id, count(*) as n"
        f" from emission m where m.entry_id = {_IDS} group by m.entry_id) o"
        " where o.entry_id = t.id",
        f"update emission m set {_SET} from recalc_emission r"
        f" where m.entry_id = {_SINGLE_IDS} and r.entry_id = m.entry_id"
        f" and ({_OLD}) is distinct from ({_NEW})",
        # entries whose rows are re-inserted: held against a concurrent delete, and
        # dropped from the batch if one already happened
        f"delete from recalc_entry t where not ({_SINGLE}) and t.id not in"
        f" (select e.id from entry e where e.id = {_MULTI_IDS} for key share of e)",
        f"delete from emission m where m.entry_id = {_MULTI_IDS}",
        f"insert into emission ({', '.join(EMISSION_COLUMNS)})"
        f" select {', '.join('r.' + c for c in EMISSION_COLUMNS)}"
        f" from recalc_emission r join recalc_entry t on t.id = r.entry_id"
        f" where not ({_SINGLE})",
        "update entry e set kg_co2e = t.kg, estimate = t.estimate,"
        " flag_reason = t.flag_reason, flag_detail = t.flag_detail"
        f" from recalc_entry t where e.id = {_IDS} and e.id = t.id and (e.kg_co2e,"
        " e.estimate, e.flag_reason, e.flag_detail) is distinct from"
        " (t.kg, t.estimate, t.flag_reason, t.flag_detail)",
        "select count(*) from recalc_entry",
    ]
)
