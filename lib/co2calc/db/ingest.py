"""SQL for bulk imports: lookups, replace-mode deletion, COPY of entries and emissions.

Entry ids are allocated from the identity sequence before the COPY, so emission
rows can reference their entry in the same stream (no round trip per row).

Two ways to load a batch: through temporary staging tables and an ``INSERT …
SELECT`` (:func:`copy_entries`, :func:`copy_emissions`: what the application role
can do, since COPY FROM is refused where row-level security applies), or straight
into the tables as the loader role of migration 0016 (:func:`copy_direct`) when the
session may switch to it (:func:`can_copy_directly`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psycopg import Connection

    from co2calc.db.emissions import CopyRows

__all__ = [
    "ENTRY_COPY_COLUMNS",
    "LOADER_ROLE",
    "allocate_entry_ids",
    "analyze_entries",
    "can_copy_directly",
    "copy_direct",
    "copy_emissions",
    "copy_entries",
    "delete_previous_import",
    "delete_seeded",
    "mark_modules_started",
    "reports_of_year",
    "seeded_counts",
    "users_by_person_id",
]

ENTRY_COPY_COLUMNS = (
    "id",
    "report_id",
    "unit_id",
    "year",
    "module",
    "submodule",
    "owner_user_id",
    "data",
    "source",
    "import_job",
    "flag_reason",
    "flag_detail",
    "kg_co2e",
    "estimate",
    "created_by",
    "updated_by",
)


def users_by_person_id(conn: Connection, person_ids: Sequence[str]) -> dict[str, int]:
    if not person_ids:
        return {}
    rows = conn.execute(
        "select id, person_id from app_user where person_id = any(%s)", (list(person_ids),)
    ).fetchall()
    return {r["person_id"]: r["id"] for r in rows}


def reports_of_year(conn: Connection, year: int) -> dict[int, dict[str, Any]]:
    """unit id → report (id, status) for one year."""
    rows = conn.execute(
        "select id, unit_id, status from report where year = %s", (year,)
    ).fetchall()
    return {r["unit_id"]: r for r in rows}


def delete_previous_import(
    conn: Connection, *, year: int, module: str, submodule: str, unit_id: int | None
) -> int:
    """Replace mode: a unit's entries of the submodule, or (institution-wide, ``unit_id``
    None) every imported entry of the same source (module/submodule + year)."""
    if unit_id is not None:
        # through the unit's report: entry_list_idx (report_id, module, submodule, id)
        return conn.execute(
            "delete from entry where report_id = (select id from report where unit_id = %s"
            " and year = %s) and module = %s and submodule = %s",
            (unit_id, year, module, submodule),
        ).rowcount
    return conn.execute(
        "delete from entry e using job j where j.id = e.import_job and j.unit_id is null"
        " and e.year = %s and e.module = %s and e.submodule = %s and e.source = 'import'",
        (year, module, submodule),
    ).rowcount


def allocate_entry_ids(conn: Connection, n: int) -> list[int]:
    # one array value: no row (dict) per id to build on the client
    return conn.execute(
        "select array(select nextval(pg_get_serial_sequence('entry', 'id'))"
        " from generate_series(1, %s)) as ids",
        (n,),
    ).fetchone()["ids"]


LOADER_ROLE = "co2calc_loader"  # migration 0016: INSERT on entry and emission, BYPASSRLS


def can_copy_directly(conn: Connection) -> bool:
    """Whether this session may load with :func:`copy_direct` (the loader role exists,
    bypasses row-level security and the login user may switch to it)."""
    from psycopg.rows import tuple_row

    row = (
        conn.cursor(row_factory=tuple_row)
        .execute(
            "select pg_has_role(session_user, oid, 'MEMBER') from pg_roles"
            " where rolname = %s and rolbypassrls",
            (LOADER_ROLE,),
        )
        .fetchone()
    )
    return bool(row and row[0])


def copy_direct(conn: Connection, entries: bytes, emissions: bytes | None) -> None:
    """COPY one batch (COPY text in ENTRY_COPY_COLUMNS / EMISSION_COLUMNS order) straight
    into entry and emission, as the loader role for these two statements only.

    For a trusted system job whose transaction already sees every unit (the importer,
    the bench seed): row-level security would admit every row anyway. Constraints and
    the statement-level reference checks of entry (0014) still run. No other thread may
    use ``conn`` meanwhile: its statements would run as the loader role."""
    from psycopg import sql
    from psycopg.rows import tuple_row

    from co2calc.db.emissions import EMISSION_COLUMNS

    cur = conn.cursor(row_factory=tuple_row)
    role = cur.execute("select current_user").fetchone()[0]
    cur.execute(sql.SQL("set local role {}").format(sql.Identifier(LOADER_ROLE)))
    for table, columns, data in (
        ("entry", ENTRY_COPY_COLUMNS, entries),
        ("emission", EMISSION_COLUMNS, emissions),
    ):
        if data:
            statement = sql.SQL("copy {} ({}) from stdin").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with cur.copy(statement) as copy:
                copy.write(data)
    # back to the transaction's role (on an error the rollback undoes SET LOCAL)
    cur.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))


def copy_entries(conn: Connection, rows: CopyRows) -> None:
    """Rows in ENTRY_COPY_COLUMNS order (ids from :func:`allocate_entry_ids`)."""
    from co2calc.db.emissions import copy_via_stage

    copy_via_stage(conn, "entry", ENTRY_COPY_COLUMNS, rows, identity=True)


def copy_emissions(conn: Connection, rows: CopyRows) -> None:
    """Rows in ``co2calc.db.entries.EMISSION_COLUMNS`` order."""
    from co2calc.db.emissions import copy_new

    copy_new(conn, rows)


def mark_modules_started(conn: Connection, report_ids: Sequence[int], module: str) -> None:
    conn.execute(
        "update module_status set status = 'in_progress'"
        " where report_id = any(%s) and module = %s and status = 'not_started'",
        (list(report_ids), module),
    )


def seeded_counts(conn: Connection, years: Sequence[int]) -> dict[str, int]:
    """Entries of source ``seed`` in ``years`` and their emission rows (bench seed)."""
    row = conn.execute(
        "select count(*) as entries, coalesce(sum((select count(*) from emission m"
        " where m.entry_id = e.id)), 0) as emissions from entry e"
        " where e.year = any(%s) and e.source = 'seed'",
        (list(years),),
    ).fetchone()
    return {"entries": int(row["entries"]), "emissions": int(row["emissions"])}


def delete_seeded(conn: Connection, years: Sequence[int]) -> int:
    """Delete the entries of source ``seed`` in ``years`` (their emission rows go with them)."""
    return conn.execute(
        "delete from entry where year = any(%s) and source = 'seed'", (list(years),)
    ).rowcount


def analyze_entries(conn: Connection) -> None:
    """Fresh planner statistics after a bulk load (needs the tables' owner)."""
    conn.execute("analyze entry")
    conn.execute("analyze emission")
