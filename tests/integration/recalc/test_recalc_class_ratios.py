"""Set-based recalculation of flights priced with a class ratio (years 2027 and 2028).

Two copies of the same entries (the recalculation seed plus every cabin priced with a
ratio on short and medium haul), the same values-only change of the economy bands
*and* of the class ratios; one year recomputed set-based (``scope="factors"``), the
other through the engine: every row and total must be identical, and no entry may
have needed the engine (the plan prices cabins with their ratio, migration-free),
so the engine pass is skipped altogether.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from co2calc.db import connection, transaction
from co2calc.factors import FactorSet
from co2calc.factorstore import store_factor_set
from co2calc.recalc import recalculate

from .conftest import insert_entry

SETBASED, ENGINE = 2027, 2028

CABINS = [
    {"origin": "GVA", "destination": d, "cabin_class": c, "trips": 2, "round_trip": True}
    for d in ("ZRH", "LIS")  # 0-1000 km and 1000-3500 km
    for c in ("premium_economy", "business", "first")
]


def _changed(base: FactorSet, version: str) -> FactorSet:
    """Economy bands × 1.25 (``factor_set_for``), every plane class ratio × 1.1 and its
    uncertainty + 0.03 (the row's factor uncertainty is recombined)."""
    factors = []
    for f in base.factors:
        if f.module == "travel" and f.submodule == "plane" and f.key.startswith("ratio:"):
            f = dataclasses.replace(
                f, value=f.value * Decimal("1.1"), uncertainty=f.uncertainty + Decimal("0.03")
            )
        factors.append(f)
    return FactorSet.of(version, base.year, base.gwp_set, factors)


def _rows(year: int) -> tuple[dict[tuple, dict], dict[tuple, tuple]]:
    """Rows and entry totals keyed by (unit code, ordinal of the entry in its unit, leaf)."""
    with transaction(all_units=True) as conn:
        entries = conn.execute(
            "select e.id, u.code, e.kg_co2e::text as kg, e.flag_reason,"
            " row_number() over (partition by e.unit_id order by e.id) as n"
            " from entry e join org_unit u on u.id = e.unit_id where e.year = %s",
            (year,),
        ).fetchall()
        rows = conn.execute(
            "select entry_id, leaf, factor_id, factor_version, kg_co2e::text as kg,"
            " quantity::text as quantity, uncertainty, factor_uncertainty"
            " from emission where year = %s",
            (year,),
        ).fetchall()
    key = {e["id"]: (e["code"], e["n"]) for e in entries}
    return (
        {(*key[r["entry_id"]], r["leaf"]): {**r, "entry_id": None} for r in rows},
        {key[e["id"]]: (e["kg"], e["flag_reason"]) for e in entries},
    )


def test_cabins_priced_with_a_changed_ratio_are_revalued_in_sql_as_the_engine_does(
    seed_year, factor_set_for
):
    # GIVEN two identical years computed with v1, with flights in every cabin
    for year in (SETBASED, ENGINE):
        seeded = seed_year(year)
        with transaction(all_units=True) as conn:
            for code, uid in seeded.units.items():
                for data in CABINS:
                    insert_entry(conn, seeded.reports[code], uid, year, "travel", "plane", data)
        assert recalculate(connection, year=year, reason="baseline")["invalid"] == 0
        # WHEN the economy bands and the class ratios change (values and uncertainties)
        with transaction(all_units=True) as conn:
            v2 = _changed(factor_set_for(year, f"{year}.v2", Decimal("1.25")), f"{year}.v2")
            store_factor_set(conn, v2, source_name="test")
    before, _ = _rows(SETBASED)
    fast = recalculate(connection, year=SETBASED, reason="factor_set", scope="factors")
    slow = recalculate(connection, year=ENGINE, reason="engine", scope="all")

    # THEN both give the same rows and totals, digit for digit
    a_rows, a_totals = _rows(SETBASED)
    b_rows, b_totals = _rows(ENGINE)
    assert a_rows.keys() == b_rows.keys() == before.keys()
    for key, a in a_rows.items():
        b = b_rows[key]
        assert {**a, "factor_version": None} == {**b, "factor_version": None}, key
        assert a["factor_version"] == f"{SETBASED}.v2"
    assert a_totals == b_totals
    # AND every entry was re-valued in SQL: nothing left for the engine, which was skipped
    computed = sum(1 for kg, flag in a_totals.values() if flag is None)
    assert fast["entries"] == fast["set_entries"] == slow["entries"] == computed
    assert fast["engine_entries"] == 0 and fast["set_rows"] == fast["stale_rows"]
    # the cabins did change: 12 entries priced with a ratio (+ the seed's business flight)
    cabin_rows = [
        k
        for k, r in a_rows.items()
        if r["factor_id"].startswith("plane.") and r["factor_uncertainty"] != 0.37
    ]
    assert len(cabin_rows) == 2 * (len(CABINS) + 1)
    assert all(a_rows[k]["kg"] != before[k]["kg"] for k in cabin_rows)
    # 0.37 ⊕ (0.2 + 0.03) for first class / premium economy, 0.37 ⊕ 0.08 for business
    assert {round(a_rows[k]["factor_uncertainty"], 6) for k in cabin_rows} == {
        round((0.37**2 + 0.23**2) ** 0.5, 6),
        round((0.37**2 + 0.08**2) ** 0.5, 6),
    }


def test_entry_and_emission_leave_room_for_hot_updates():
    """Migration 0015: half of each page free, so a recalculation's in-place rewrite of
    every row can stay on its page (docs/recalculation.md)."""
    with transaction(all_units=True) as conn:
        options = {
            r["relname"]: r["reloptions"]
            for r in conn.execute(
                "select relname, reloptions from pg_class"
                " where relname in ('entry', 'emission') and relkind = 'r'"
            )
        }
    assert options == {"entry": ["fillfactor=50"], "emission": ["fillfactor=50"]}
