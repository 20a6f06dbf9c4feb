"""Migration 0014: entry's references are checked once per statement, not per row.

entry.report_id and entry.owner_user_id lost their foreign keys (a per-row check
that cost imports ~1 s per 100,000 rows, see bench/ingest/README.md); statement
triggers keep the same rules. These tests pin each rule on the import write path
(``co2calc.ingest.bulk``) and on plain statements: a missing report or owner is
refused with SQLSTATE 23503 and nothing of the batch stays, a report's deletion
takes its entries (and their emission rows) with it, an owner of entries cannot be
deleted, and a bulk insert holds its reports against a concurrent delete.

Years used: 2048, 2049, 2050, 2051.
"""

from __future__ import annotations

import psycopg
import pytest

from co2calc.db import transaction
from co2calc.factorstore import calc_context

UNIT = "ENAC-CLIM-LAB1"
PLANE = {"origin": "GVA", "destination": "LHR", "trips": 2, "round_trip": True}


def _write(conn, year: int, report: dict, n: int, *, owner: int | None = None, reports=None):
    """``n`` plane entries through the import write path, in ``conn``'s transaction."""
    from co2calc.calc import validate_entry
    from co2calc.ingest.bulk import BulkTarget, write_entries

    entry = validate_entry("travel", "plane", PLANE)
    return write_entries(
        conn,
        BulkTarget(year, "travel", "plane", source="import", import_job=f"test-{year}"),
        [(entry, report["unit_id"], owner)] * n,
        reports if reports is not None else {report["unit_id"]: report},
        calc_context(conn, year),
    )


def _count(conn, year: int) -> tuple[int, int]:
    entries = conn.execute("select count(*) as n from entry where year = %s", (year,)).fetchone()
    emissions = conn.execute(
        "select count(*) as n from emission where year = %s", (year,)
    ).fetchone()
    return entries["n"], emissions["n"]


def _user(conn, person_id: str) -> int:
    from co2calc.db import sessions as sql

    return sql.upsert_user(conn, "test", f"oid-{person_id}", person_id, None, person_id)


def test_bulk_insert_with_a_missing_report_or_owner_writes_nothing(year_report, demo):
    report = year_report(2048)
    missing = {"id": 2**62, "unit_id": report["unit_id"]}  # no such report
    # WHEN one batch names a report that does not exist
    with (
        pytest.raises(psycopg.errors.ForeignKeyViolation, match="entry_report_id_fkey"),
        transaction(all_units=True) as conn,
    ):
        _write(conn, 2048, report, 3)  # a valid batch first, same transaction
        _write(conn, 2048, missing, 2)
    # WHEN the owner does not exist
    with (
        pytest.raises(psycopg.errors.ForeignKeyViolation, match="entry_owner_user_id_fkey"),
        transaction(all_units=True) as conn,
    ):
        _write(conn, 2048, report, 2, owner=2**62)
    with transaction(all_units=True) as conn:
        # THEN nothing of either transaction was written
        assert _count(conn, 2048) == (0, 0)
        # AND the same batch with an existing owner is written
        owner = _user(conn, "900048")
        rows = _write(conn, 2048, report, 2, owner=owner)
        assert (rows.n_entries, rows.n_emissions) == (2, 2)
        assert _count(conn, 2048) == (2, 2)


def test_changing_a_reference_to_a_missing_row_is_refused(year_report, demo):
    report = year_report(2049)
    with transaction(all_units=True) as conn:
        _write(conn, 2049, report, 1)
        entry_id = conn.execute("select id from entry where year = 2049").fetchone()["id"]
        owner = _user(conn, "900049")
    # an update to rows that exist passes (report kept, owner set)
    with transaction(all_units=True) as conn:
        conn.execute(
            "update entry set report_id = report_id, owner_user_id = %s, note = 'x' where id = %s",
            (owner, entry_id),
        )
    for column in ("report_id", "owner_user_id"):
        with (
            pytest.raises(psycopg.errors.ForeignKeyViolation, match=f"entry_{column}_fkey"),
            transaction(all_units=True) as conn,
        ):
            conn.execute(f"update entry set {column} = %s where id = %s", (2**62, entry_id))
    with transaction(all_units=True) as conn:
        row = conn.execute(
            "select report_id, owner_user_id, note from entry where id = %s", (entry_id,)
        ).fetchone()
        assert row == {"report_id": report["id"], "owner_user_id": owner, "note": "x"}


def test_deleting_a_report_deletes_its_entries_and_an_owner_cannot_be_deleted(year_report, demo):
    report = year_report(2050)
    with transaction(all_units=True) as conn:
        owner = _user(conn, "900050")
        idle = _user(conn, "900051")
        _write(conn, 2050, report, 4, owner=owner)
        assert _count(conn, 2050) == (4, 4)
    # WHEN the owner of entries is deleted THEN it is refused
    with (
        pytest.raises(psycopg.errors.ForeignKeyViolation, match="entry_owner_user_id_fkey"),
        transaction(all_units=True) as conn,
    ):
        conn.execute("delete from app_user where id = %s", (owner,))
    with transaction(all_units=True) as conn:
        # a user owning nothing can be
        assert conn.execute("delete from app_user where id = %s", (idle,)).rowcount == 1
        # WHEN the report is deleted THEN its entries and their emission rows go
        conn.execute("delete from report where id = %s", (report["id"],))
        assert _count(conn, 2050) == (0, 0)


def test_a_bulk_insert_holds_its_report_against_a_concurrent_delete(year_report, demo, pg):
    report = year_report(2051)
    with transaction(all_units=True) as conn:
        # WHEN an import's transaction has written entries and is still open
        _write(conn, 2051, report, 2)
        # THEN another transaction cannot delete the report meanwhile (it waits:
        # the statement check locked the report FOR KEY SHARE, as a foreign key does)
        with psycopg.connect(pg, autocommit=True) as other:
            other.execute("set lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("delete from report where id = %s", (report["id"],))
    with transaction(all_units=True) as conn:
        assert _count(conn, 2051) == (2, 2)
        # AND once committed, deleting the report removes them
        conn.execute("delete from report where id = %s", (report["id"],))
        assert _count(conn, 2051) == (0, 0)
