"""The one emission write path (co2calc.db.emissions) and migration 0012's integrity rules.

Emission rows no longer have foreign keys: a statement trigger on entry deletes
them. These tests pin that every way an entry disappears takes its emission rows
with it, that the bulk path (imports, seeding) stores what the row-at-a-time
path stores, and that a recalculation batch never leaves rows for a deleted entry.

Years used: 2054, 2055, 2056.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from co2calc.db import transaction
from co2calc.factorstore import calc_context

UNIT = "ENAC-CLIM-LAB1"
# kg CO2e = kg emitted × GWP100 (calc/process.py); CO2's GWP100 is 1 by definition
CO2 = {"gas": "CO2", "kg_emitted": "40"}
GOLDEN_CO2_KG = Decimal("40")
PLANE = {"origin": "GVA", "destination": "LHR", "trips": 2, "round_trip": True}


def _emissions(conn, entry_ids) -> list[dict]:
    return conn.execute(
        "select * from emission where entry_id = any(%s) order by entry_id, leaf",
        (list(entry_ids),),
    ).fetchall()


def _create(conn, report, module, submodule, data) -> dict:
    from co2calc.entries import service

    return service.create_entry(
        conn, report=report, module=module, submodule=submodule, data=data, actor_id=None
    )


def test_deleting_entries_and_reports_removes_their_emission_rows(year_report, demo):
    from co2calc.entries import service

    report = year_report(2054)
    with transaction(all_units=True) as conn:
        gas = _create(conn, report, "process-emissions", "gas", CO2)
        plane = _create(conn, report, "travel", "plane", PLANE)
        kept = _create(conn, report, "travel", "plane", PLANE)
        # the row-at-a-time path stored the hand-computed value
        assert gas["kg_co2e"] == GOLDEN_CO2_KG
        assert len(_emissions(conn, [gas["id"], plane["id"], kept["id"]])) == 3
    # WHEN two entries are deleted through the service (RLS: the unit only)
    with transaction([report["unit_id"]]) as conn:
        rows = [
            r
            for r in conn.execute(
                "select * from entry where id = any(%s)", ([gas["id"], plane["id"]],)
            ).fetchall()
        ]
        assert service.delete_entries(conn, rows, actor_id=None) == 2
    with transaction(all_units=True) as conn:
        # THEN their rows are gone, the other entry's stay
        assert _emissions(conn, [gas["id"], plane["id"]]) == []
        assert len(_emissions(conn, [kept["id"]])) == 1
        # WHEN the report itself is deleted (entries cascade from it)
        conn.execute("delete from report where id = %s", (report["id"],))
        # THEN no emission row of the year is left
        assert (
            conn.execute("select count(*) as n from emission where year = 2054").fetchone()["n"]
            == 0
        )


def test_a_rolled_back_delete_keeps_the_emission_rows(year_report, demo):
    report = year_report(2055)
    with transaction(all_units=True) as conn:
        gas = _create(conn, report, "process-emissions", "gas", CO2)
    with pytest.raises(RuntimeError), transaction(all_units=True) as conn:
        conn.execute("delete from entry where id = %s", (gas["id"],))
        assert _emissions(conn, [gas["id"]]) == []
        raise RuntimeError("abort")
    with transaction(all_units=True) as conn:
        assert len(_emissions(conn, [gas["id"]])) == 1


def test_bulk_path_stores_what_the_row_path_stores_and_recalc_skips_deleted_entries(
    year_report, demo
):
    from co2calc.calc import validate_entry
    from co2calc.db import ingest as ingest_sql
    from co2calc.db.emissions import EMISSION_COLUMNS, copy_text, write_recomputed
    from co2calc.ingest.bulk import BulkTarget, write_entries

    report = year_report(2056)
    unit = report["unit_id"]
    with transaction(all_units=True) as conn:
        row_path = [
            _create(conn, report, "process-emissions", "gas", CO2),
            _create(conn, report, "travel", "plane", PLANE),
        ]
        ctx = calc_context(conn, 2056)
        reports = ingest_sql.reports_of_year(conn, 2056)
        bulk_gas = write_entries(
            conn,
            BulkTarget(2056, "process-emissions", "gas", source="seed"),
            [(validate_entry("process-emissions", "gas", CO2), unit, None)],
            reports,
            ctx,
        )
        bulk_plane = write_entries(
            conn,
            BulkTarget(2056, "travel", "plane", source="seed"),
            [(validate_entry("travel", "plane", PLANE), unit, None)] * 2,
            reports,
            ctx,
        )
        assert (bulk_gas.n_entries, bulk_gas.n_emissions) == (1, 1)
        assert (bulk_plane.n_entries, bulk_plane.n_emissions) == (2, 2)
        bulk = conn.execute(
            "select * from entry where year = 2056 and source = 'seed' order by id"
        ).fetchall()
        assert [e["module"] for e in bulk] == ["process-emissions", "travel", "travel"]
        # THEN entry totals and emission rows equal the row-at-a-time path's
        for mine, theirs in ((bulk[0], row_path[0]), (bulk[1], row_path[1])):
            assert mine["kg_co2e"] == theirs["kg_co2e"]
            assert mine["flag_reason"] is None and theirs["flag_reason"] is None
            (a,) = _emissions(conn, [mine["id"]])
            (b,) = _emissions(conn, [theirs["id"]])
            same = [c for c in EMISSION_COLUMNS if c != "entry_id"]
            assert {c: a[c] for c in same} == {c: b[c] for c in same}
        assert bulk[0]["kg_co2e"] == GOLDEN_CO2_KG
        # the modules moved to in progress
        status = conn.execute(
            "select status from module_status where report_id = %s and module = 'travel'",
            (report["id"],),
        ).fetchone()["status"]
        assert status == "in_progress"

    # WHEN a recalculation batch arrives for entries one of which was deleted meanwhile
    # and another edited (version moved), with 0 → 2 rows for the third (re-insert path)
    gone, edited, third = bulk
    with transaction(all_units=True) as conn:
        conn.execute("delete from entry where id = %s", (gone["id"],))
        conn.execute("update entry set version = version + 1 where id = %s", (edited["id"],))
        (old,) = _emissions(conn, [third["id"]])
        new_row = tuple(old[c] for c in EMISSION_COLUMNS)
        doubled = (*new_row[:8], old["kg_co2e"] * 2, *new_row[9:])
        entries = [
            (gone["id"], gone["version"], Decimal(1), False, None, None, 1),
            (edited["id"], edited["version"], Decimal(2), False, None, None, 1),
            (third["id"], third["version"], old["kg_co2e"] * 3, False, None, None, 2),
        ]
        emissions = [
            (gone["id"], *new_row[1:]),
            (edited["id"], *new_row[1:]),
            new_row,
            doubled,
        ]
        written = write_recomputed(conn, copy_text(conn, entries), emissions)
        # THEN only the third entry was written: no row for the deleted one, the
        # edited one untouched, the third has its two new rows and its new total
        assert written == 1
        assert _emissions(conn, [gone["id"]]) == []
        assert [r["kg_co2e"] for r in _emissions(conn, [edited["id"]])] == [edited["kg_co2e"]]
        assert sorted(r["kg_co2e"] for r in _emissions(conn, [third["id"]])) == [
            old["kg_co2e"],
            old["kg_co2e"] * 2,
        ]
        assert (
            conn.execute("select kg_co2e from entry where id = %s", (third["id"],)).fetchone()[
                "kg_co2e"
            ]
            == old["kg_co2e"] * 3
        )
