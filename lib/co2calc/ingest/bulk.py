"""Bulk writes of validated entries: compute, then COPY entries and emission rows.

The importer's write path (``co2calc.ingest.run``), usable on its own for
trusted bulk loads (the institution-scale benchmark seed): entry ids come from
the identity sequence in one round trip, so emission rows reference their entry
in the same stream; rows are formatted as COPY text by the caller's thread and
written through staging tables by ``co2calc.db.emissions`` (the one emission
write path). Nothing here checks permissions or report status: callers do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.calc import CalcContext

__all__ = ["BulkTarget", "Rows", "build_rows", "write_entries", "write_rows"]

_ZERO = Decimal(0)


@dataclass(frozen=True)
class BulkTarget:
    """What every entry of one bulk write shares."""

    year: int
    module: str
    submodule: str
    source: str = "import"  # entry.source: import | seed
    import_job: str | None = None
    actor: int | None = None  # created_by / updated_by


@dataclass
class Rows:
    """Computed rows of one batch: COPY text of entries and emissions, reports touched."""

    entries: bytes
    emissions: bytes
    n_entries: int
    n_emissions: int
    report_ids: set[int]


def build_rows(
    fmt_conn: Connection,
    target: BulkTarget,
    items: Sequence[tuple[Any, int, int | None]],
    ids: Sequence[int],
    reports: dict[int, dict[str, Any]],
    ctx: CalcContext,
) -> Rows:
    """Compute ``items`` — ``(entry model, unit id, owner user id)`` — into COPY text.

    ``ids``: one pre-allocated entry id per item; ``reports``: unit id → report
    (``id``); ``fmt_conn`` only lends its adapters to the COPY formatter.
    """
    from co2calc.calc import compute
    from co2calc.db.emissions import copy_text, emission_row

    module, submodule, year = target.module, target.submodule, target.year
    source, job, actor = target.source, target.import_job, target.actor
    entries, emissions, touched = [], [], set()
    add_entry, add_emission = entries.append, emissions.append
    for entry_id, (entry, unit_id, owner) in zip(ids, items, strict=True):
        result = compute(module, submodule, entry, ctx)
        report_id = reports[unit_id]["id"]
        flag = result.flag
        rows = result.rows
        if len(rows) == 1:  # the common case, without Result.kg's generator
            row = rows[0]
            kg, estimate = _ZERO + row.kg, row.estimate  # = sum((row.kg,), Decimal(0))
            add_emission(emission_row(entry_id, unit_id, year, row))
        else:
            kg, estimate = result.kg, any(r.estimate for r in rows)
            emissions.extend(emission_row(entry_id, unit_id, year, r) for r in rows)
        add_entry(
            (
                entry_id,
                report_id,
                unit_id,
                year,
                module,
                submodule,
                owner,
                # = entry.model_dump_json() (same defaults), without its wrapper
                entry.__pydantic_serializer__.to_json(entry).decode(),
                source,
                job,
                flag.reason.value if flag else None,
                flag.detail if flag else None,
                kg,
                estimate,
                actor,
                actor,
            )
        )
        touched.add(report_id)
    return Rows(
        copy_text(fmt_conn, entries),
        copy_text(fmt_conn, emissions),
        len(entries),
        len(emissions),
        touched,
    )


def write_rows(conn: Connection, rows: Rows, *, direct: bool = False) -> None:
    """COPY one batch of entries and their emission rows (in the caller's transaction):
    straight into the tables when ``direct`` (``co2calc.db.ingest.can_copy_directly``),
    else through staging tables."""
    from co2calc.db import ingest as sql
    from co2calc.db.emissions import copy_new

    if direct:
        sql.copy_direct(conn, rows.entries, rows.emissions if rows.n_emissions else None)
        return
    sql.copy_entries(conn, rows.entries)
    if rows.n_emissions:
        copy_new(conn, rows.emissions)


def write_entries(
    conn: Connection,
    target: BulkTarget,
    items: Sequence[tuple[Any, int, int | None]],
    reports: dict[int, dict[str, Any]],
    ctx: CalcContext,
) -> Rows:
    """Compute and write ``items`` in the caller's transaction (one batch; single thread),
    and move their modules from *not started* to *in progress*."""
    from co2calc.db import ingest as sql

    ids = sql.allocate_entry_ids(conn, len(items))
    rows = build_rows(conn, target, items, ids, reports, ctx)
    write_rows(conn, rows, direct=sql.can_copy_directly(conn))
    if rows.report_ids:
        sql.mark_modules_started(conn, sorted(rows.report_ids), target.module)
    return rows
