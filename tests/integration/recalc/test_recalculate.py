"""Recalculation after a factor change: only affected rows change, frozen reports never."""

from __future__ import annotations

from decimal import Decimal

from co2calc.db import connection, transaction
from co2calc.factorstore import store_factor_set
from co2calc.recalc import handle_event, recalculate

YEAR = 2087


def test_factor_change_recomputes_exactly_the_affected_entries(
    seed_year, factor_set_for, emission_rows
):
    # GIVEN a year with entries in two units, computed with set v1
    seeded = seed_year(YEAR)
    first = recalculate(connection, year=YEAR, reason="test baseline")
    assert first["status"] == "succeeded"
    assert first["entries"] == 12 and first["invalid"] == 0
    before = emission_rows(YEAR)
    assert len(before) == 12  # one row per entry, none flagged
    assert {r["factor_version"] for r in before.values()} == {f"{YEAR}.v1"}
    # purchases used the year's FX and HICP stored in the database
    purchase = next(r for r in before.values() if r["module"] == "purchases")
    assert purchase["quantity_unit"] == "EUR2019" and purchase["kg_co2e"] > 0
    # ... and the second unit's report is signed off (frozen)
    with transaction(all_units=True) as conn:
        conn.execute(
            "update report set status = 'signed_off', signed_off_at = now() where id = %s",
            (seeded.reports["SB-ENER-LAB1"],),
        )
        # WHEN a new set with plane factors × 1.25 is stored and recalculation requested
        store_factor_set(conn, factor_set_for(YEAR, f"{YEAR}.v2", Decimal("1.25")))
    result = handle_event({"year": YEAR, "reason": "factor set changed"})

    # THEN only the open unit's entries were read and written
    assert result["status"] == "succeeded"
    assert result["entries"] == 6 and result["written"] == 6
    after = emission_rows(YEAR)
    assert after.keys() == before.keys()
    for key, old in before.items():
        new = after[key]
        if old["code"] == "SB-ENER-LAB1":  # frozen: untouched
            assert new == old
            continue
        assert new["factor_version"] == f"{YEAR}.v2"
        if old["leaf"] == "travel.plane":
            assert new["kg_co2e"] == old["kg_co2e"] * Decimal("1.25")
            assert new["entry_kg"] == new["kg_co2e"]
        else:
            assert new["kg_co2e"] == old["kg_co2e"]
            assert new["entry_kg"] == old["entry_kg"]


def test_module_and_unit_slices(seed_year, factor_set_for, emission_rows):
    year = YEAR + 1
    seeded = seed_year(year)
    assert recalculate(connection, year=year)["entries"] == 12
    unit = seeded.units["ENAC-CLIM-LAB1"]
    r = recalculate(connection, year=year, module="travel", unit_id=unit)
    assert r["status"] == "succeeded" and r["entries"] == 3
    r = recalculate(connection, year=year, module="purchases")
    assert r["entries"] == 2


def test_duplicate_requests_coalesce(seed_year, year_held):

    year = YEAR + 2
    seed_year(year)
    # GIVEN another runner holds the year (as a concurrent calculate process would)
    with year_held(year):
        # WHEN the same slice is requested three times and a narrower slice once
        first = recalculate(connection, year=year, reason="a")
        second = recalculate(connection, year=year, reason="b")
        narrower = recalculate(connection, year=year, module="travel", reason="c")
        # THEN one job is queued; the others coalesce into it
        assert first["status"] == "queued"
        assert second == {"job_id": first["job_id"], "status": "coalesced"}
        assert narrower == {"job_id": first["job_id"], "status": "coalesced"}
    with transaction(all_units=True) as conn:
        jobs = conn.execute(
            "select id, status from job where kind = 'recalc' and year = %s", (year,)
        ).fetchall()
    assert jobs == [{"id": first["job_id"], "status": "pending"}]
    # AND the next request (or redelivery) with the year free runs the queued job once
    again = recalculate(connection, year=year, reason="d")
    assert again["job_id"] == first["job_id"] and again["status"] == "succeeded"
    assert again["entries"] == 12
    with transaction(all_units=True) as conn:
        n = conn.execute(
            "select count(*) as n from job where kind = 'recalc' and year = %s", (year,)
        ).fetchone()["n"]
    assert n == 1


def test_wider_request_absorbs_narrower_pending_jobs(seed_year):
    from co2calc.recalc import request_recalculation

    year = YEAR + 3
    seed_year(year)
    with transaction(all_units=True) as conn:
        narrow, created = request_recalculation(conn, year=year, module="travel")
        assert created
        wide, created = request_recalculation(conn, year=year)
        assert created and wide != narrow
        rows = {
            r["id"]: r
            for r in conn.execute("select * from job where year = %s", (year,)).fetchall()
        }
    assert rows[narrow]["phase"] == "coalesced"
    assert rows[narrow]["options"]["coalesced_into"] == wide
    assert rows[wide]["status"] == "pending"


def test_malformed_event_is_rejected_without_redelivery():
    assert handle_event({"year": "soon"}) == {"status": "rejected"}
    assert handle_event({"year": 2071, "module": "teleportation"}) == {"status": "rejected"}
