"""Set-based recalculation after a values-only factor change, against the engine.

Years 2042-2044. The crucial check: two copies of the same data (years 2042 and 2043: same units,
entries, factor sets, FX and HICP), the same values-only factor change, one year
recomputed through the set-based path (``scope="factors"``, as the factors
function requests it) and the other through the engine (``scope="all"``); the
emission rows and entry totals must be identical, frozen reports untouched in
both, and entries the SQL cannot re-value (an auxiliary factor changed, an agency
override) must have gone through the engine — cabins priced with a class ratio
(whose ratios change too) are re-valued in SQL, including the cabins whose rows
share a plan key (first class and premium economy: same ratio uncertainty).
"""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal
from typing import Any

import pytest
from psycopg.types.json import Jsonb

from co2calc.db import connection, transaction
from co2calc.db import factors as factors_sql
from co2calc.db import years as years_sql
from co2calc.dev.seed import DEMO_UNITS, FACILITIES, ROOMS, demo_entries
from co2calc.factors import FactorSet, load_shipped_factor_set
from co2calc.factorstore import store_factor_set
from co2calc.modules import MODULES
from co2calc.recalc import auxiliary_of, handle_event, recalculate

# 2045 is test_rls's; the coalescing test only queues jobs (no reports) and removes them
SETBASED, ENGINE, OTHER = 2042, 2043, 2044
COALESCE = OTHER
OPEN, FROZEN = "ENAC-CLIM-LAB1", "SB-ENER-LAB1"

EXTRA = [
    ("travel", "plane", {"origin": "GVA", "destination": "JFK", "cabin_class": "business"}),
    # short (0-1000 km) and medium haul (1000-3500 km), every cabin priced with a ratio:
    # first class and premium economy share a plan key (ratio uncertainty 0.2 both)
    *[
        ("travel", "plane", {"origin": "GVA", "destination": d, "cabin_class": c, "trips": 3})
        for d in ("ZRH", "LIS")
        for c in ("premium_economy", "business", "first")
    ],
    ("travel", "plane", {"origin": "GVA", "destination": "CDG", "kg_override": "123.4"}),
    (
        "purchases",
        "other",
        {"item": "x", "amount": "1234.56", "currency": "USD", "purchase_code": "41100000"},
    ),
    ("travel", "plane", {"origin": "GVA", "destination": "XXX"}),  # flagged: unknown airport
]


@pytest.fixture(autouse=True)
def _services(demo):
    """PostgreSQL with the demo org tree (the units ENAC-CLIM-LAB1 and SB-ENER-LAB1)."""


def _set(year: int, version: str, change: bool = False) -> FactorSet:
    """The shipped 2025 set as ``version`` of ``year``; ``change``: the values-only update
    (every factor a row can carry and the class ratios × 1.1, electricity and train
    uncertainties changed, the per-FTE commuting distance changed — an auxiliary
    factor: headcount → engine)."""
    shipped = load_shipped_factor_set(2025)
    factors = []
    for f in shipped.factors:
        if change:
            if not auxiliary_of(f):
                f = dataclasses.replace(f, value=f.value * Decimal("1.1"))
            if f.factor_id.startswith("train.") or f.key == "electricity":
                f = dataclasses.replace(f, uncertainty=f.uncertainty + Decimal("0.07"))
            if f.key == "commuting:staff:activity":
                f = dataclasses.replace(f, value=f.value * Decimal("0.9"))
        factors.append(f)
    return FactorSet.of(version, year, shipped.gwp_set, factors)


def _seed(year: int) -> dict[str, int]:
    """The year, set ``sb.v1``, FX/HICP, rooms, facilities and demo entries in two units."""
    with transaction(all_units=True) as conn:
        years_sql.create_year(conn, year, None, MODULES)
        store_factor_set(conn, _set(year, "sb.v1"), source_name="test")
        for currency, rate in (("CHF", "0.94"), ("USD", "1.08")):
            conn.execute(
                "insert into fx_rate (year, currency, units_per_eur, source)"
                " values (%s, %s, %s, 'test') on conflict do nothing",
                (year, currency, Decimal(rate)),
            )
        conn.execute(
            "insert into hicp (year, index, source) values (%s, 130.1, 'test')"
            " on conflict do nothing",
            (year,),
        )
        factors_sql.upsert_rooms(conn, ROOMS)
        factors_sql.upsert_facilities(conn, year, FACILITIES)
        reports = {}
        for code in (OPEN, FROZEN):
            r = conn.execute(
                "select r.id, r.unit_id from report r join org_unit u on u.id = r.unit_id"
                " where u.code = %s and r.year = %s",
                (code, year),
            ).fetchone()
            reports[code] = r["id"]
            data = [
                (m, s, d)
                for m, s, d, _ in demo_entries(code, DEMO_UNITS[code], 2025, False, ["P1"])
            ]
            for module, submodule, d in data + EXTRA:
                from co2calc.calc import validate_entry

                stored = validate_entry(module, submodule, d).model_dump(
                    mode="json", exclude_none=True
                )
                conn.execute(
                    "insert into entry (report_id, unit_id, year, module, submodule, data, source)"
                    " values (%s, %s, %s, %s, %s, %s, 'seed')",
                    (r["id"], r["unit_id"], year, module, submodule, Jsonb(stored)),
                )
    return reports


def _snapshot(year: int) -> tuple[dict[tuple, dict[str, Any]], dict[tuple, dict[str, Any]]]:
    """(rows, entries) keyed by (unit code, entry ordinal in the unit[, leaf, factor id])."""
    with transaction(all_units=True) as conn:
        entries = conn.execute(
            "select e.id, u.code, e.module, e.kg_co2e, e.estimate, e.flag_reason,"
            " e.data ? 'kg_override' as override,"
            " e.module = 'travel' and (coalesce(e.data ->> 'cabin_class', 'economy')"
            " <> 'economy' or e.data ->> 'travel_class' = '1st') as ratio,"
            " row_number() over (partition by e.unit_id order by e.id) as n"
            " from entry e join org_unit u on u.id = e.unit_id where e.year = %s",
            (year,),
        ).fetchall()
        rows = conn.execute(
            "select m.* from emission m where m.year = %s order by m.entry_id", (year,)
        ).fetchall()
    ordinal = {e["id"]: (e["code"], e["n"]) for e in entries}
    out_rows: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        key = (*ordinal[r["entry_id"]], r["leaf"], r["factor_id"])
        assert key not in out_rows
        out_rows[key] = {k: v for k, v in r.items() if k not in {"entry_id", "unit_id", "year"}} | {
            "entry_id": r["entry_id"]
        }
    out_entries = {
        (e["code"], e["n"]): {
            k: e[k] for k in ("module", "kg_co2e", "estimate", "flag_reason", "override", "ratio")
        }
        for e in entries
    }
    return out_rows, out_entries


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "entry_id"}
    if row["module"] == "research-facilities":
        out.pop("factor_version")  # the facility footprint's stamp, per year
    return out


def test_set_based_path_equals_the_engine_after_a_values_only_change():
    # GIVEN two identical years computed with sb.v1, one unit's report signed off in each
    for year in (SETBASED, ENGINE):
        reports = _seed(year)
        first = recalculate(connection, year=year, reason="baseline")
        assert first["status"] == "succeeded" and first["invalid"] == 0
        with transaction(all_units=True) as conn:
            conn.execute(
                "update report set status = 'signed_off', signed_off_at = now() where id = %s",
                (reports[FROZEN],),
            )
            # WHEN the same values-only change (sb.v2) is stored and activated in both
            store_factor_set(conn, _set(year, "sb.v2", change=True), source_name="test")
    before_rows, before_entries = _snapshot(SETBASED)
    assert _snapshot(ENGINE)[0].keys() == before_rows.keys()
    # ... and recomputed: set-based (the factors function's event) vs the engine
    fast = handle_event({"year": SETBASED, "reason": "factor_set", "scope": "factors"})
    slow = recalculate(connection, year=ENGINE, reason="engine", scope="all")
    assert fast["status"] == slow["status"] == "succeeded"

    # THEN every emission row and entry total is identical
    a_rows, a_entries = _snapshot(SETBASED)
    b_rows, b_entries = _snapshot(ENGINE)
    assert a_rows.keys() == b_rows.keys() == before_rows.keys()
    for key, a in a_rows.items():
        assert _comparable(a) == _comparable(b_rows[key]), key
    assert a_entries == b_entries

    # AND the frozen unit is untouched (rows and totals as before)
    for key, old in before_rows.items():
        if key[0] == FROZEN:
            assert a_rows[key] == old
            assert old["factor_version"] == "sb.v1" or old["module"] == "research-facilities"
    assert all(a_entries[k] == v for k, v in before_entries.items() if k[0] == FROZEN)

    # AND the open unit's rows are all at sb.v2, most of them re-valued in SQL
    open_rows = [
        r for k, r in a_rows.items() if k[0] == OPEN and r["module"] != "research-facilities"
    ]
    assert {r["factor_version"] for r in open_rows} == {"sb.v2"}
    # entries that went through the engine: headcount (its per-FTE distance changed) and
    # the agency override (a row not of a factor); cabins and first-class trains priced
    # with a class ratio (changed too) were re-valued in SQL
    expected_engine = sum(
        1
        for k, e in before_entries.items()
        if k[0] == OPEN
        and e["flag_reason"] is None
        and (e["module"] == "headcount" or e["override"])
    )
    assert fast["engine_entries"] == expected_engine >= 3, fast
    ratio_entries = [
        k for k, e in before_entries.items() if k[0] == OPEN and e["ratio"] and not e["flag_reason"]
    ]
    assert len(ratio_entries) >= 7
    for k in ratio_entries:  # every one re-valued (the ratio × 1.1 and the factor × 1.1)
        assert a_entries[k]["kg_co2e"] != before_entries[k]["kg_co2e"], k
    stale = sum(
        1
        for k, e in before_entries.items()
        if k[0] == OPEN and e["flag_reason"] is None and e["module"] != "research-facilities"
    )
    assert fast["set_entries"] == stale - fast["engine_entries"] > 40
    assert fast["entries"] == stale
    # facilities and the flagged flight were not recomputed (not factor-set based / no rows)
    flagged = [k for k, e in a_entries.items() if k[0] == OPEN and e["flag_reason"]]
    assert flagged and all(a_entries[k] == before_entries[k] for k in flagged)
    # the engine path recomputed every open entry
    assert slow["entries"] == sum(1 for k in b_entries if k[0] == OPEN)
    # every re-valued total moved by the factor change (× 1.1 for single-factor entries)
    purchase = next(k for k, e in a_entries.items() if k[0] == OPEN and e["module"] == "purchases")
    assert a_entries[purchase]["kg_co2e"] == before_entries[purchase]["kg_co2e"] * Decimal("1.1")

    # AND a second request finds nothing stale: nothing is recomputed
    again = recalculate(connection, year=SETBASED, reason="again", scope="factors")
    assert again["entries"] == 0 and again["stale_rows"] == 0
    assert _snapshot(SETBASED) == (a_rows, a_entries)


def test_a_change_that_is_not_values_only_goes_through_the_engine():
    _seed(OTHER)
    assert recalculate(connection, year=OTHER)["status"] == "succeeded"
    shipped = _set(OTHER, "x")
    added = dataclasses.replace(
        next(f for f in shipped.factors if f.factor_id == "train.FR"),
        factor_id="train.ES",
        key="ES",
    )
    with transaction(all_units=True) as conn:
        store_factor_set(
            conn,
            FactorSet.of("sb.v3", OTHER, shipped.gwp_set, [*shipped.factors, added]),
            source_name="test",
        )
    r = recalculate(connection, year=OTHER, scope="factors")
    assert r["status"] == "succeeded"
    assert r["plan_rows"] == 0 and r["set_entries"] == 0
    assert r["engine_entries"] == r["entries"] > 100
    rows, _ = _snapshot(OTHER)
    assert {v["factor_version"] for v in rows.values() if v["module"] != "research-facilities"} == {
        "sb.v3"
    }


def test_scope_survives_coalescing(year_held):
    from co2calc.recalc import request_recalculation

    year = COALESCE

    def scope_of(job_id: str) -> str:
        with transaction(all_units=True) as conn:
            return conn.execute("select options from job where id = %s", (job_id,)).fetchone()[
                "options"
            ]["scope"]

    try:
        with year_held(year):
            # a factors-only request, then a narrower one: still factors-only
            first = recalculate(connection, year=year, scope="factors")
            assert first["status"] == "queued" and scope_of(first["job_id"]) == "factors"
            narrower = recalculate(connection, year=year, module="travel", scope="factors")
            assert narrower == {"job_id": first["job_id"], "status": "coalesced"}
            assert scope_of(first["job_id"]) == "factors"
            # a narrower request that needs everything recomputed widens the pending job
            fx = recalculate(connection, year=year, module="purchases", reason="fx")
            assert fx == {"job_id": first["job_id"], "status": "coalesced"}
            assert scope_of(first["job_id"]) == "all"
            # a new wider factors-only job absorbing a pending "all" job is "all"
            with transaction(all_units=True) as conn:
                conn.execute("delete from job where kind = 'recalc' and year = %s", (year,))
                request_recalculation(conn, year=year, module="travel")
                wide, created = request_recalculation(conn, year=year, scope="factors")
            assert created and scope_of(wide) == "all"
    finally:
        with transaction(all_units=True) as conn:  # nothing left queued for the year
            conn.execute(
                "delete from job where kind = 'recalc' and year = %s and status = 'pending'",
                (year,),
            )


def test_round28_matches_python_decimal():
    """co2calc_round28 (migration 0013) rounds like the engine's Decimal context."""
    from decimal import getcontext

    assert getcontext().prec == 28
    cases = [
        (Decimal("5118.769230769230769230769231"), Decimal("0.5")),  # tie → even (up)
        (Decimal("5118.769230769230769230769229"), Decimal("0.5")),  # tie → even (down)
        (Decimal("9.999999999999999999999999999"), Decimal("0.99999")),
        (Decimal("9999999999999999999999999999"), Decimal("1.00001")),  # carry
        (Decimal("0.000000000000000000001234567890123456789012345"), Decimal("0.7")),  # tiny
        (Decimal("1E-25"), Decimal("3.3333333333333333333333333333")),
        (Decimal("999.9999999999999999999999999"), Decimal("1.0000000000000000000000000001")),
        (Decimal("1234.5"), Decimal("0.2586")),  # fits: unchanged
        (Decimal("0"), Decimal("0.2586")),
        (Decimal("3713.123456789012345678901234"), Decimal("0.1875")),
    ]
    rng = random.Random(6)
    for _ in range(3000):  # money-like quantities (28 digits), short ones, and exact ties
        v = Decimal(rng.choice(["0.2586", "0.1875", "0.007", "1.1", "0.5", "2", "0.04625"]))
        k = rng.random()
        if k < 0.4:
            q = Decimal(rng.randint(1, 10**9)) / Decimal(3) * Decimal("0.94") / Decimal("1.301")
        elif k < 0.7:
            q = Decimal(f"{rng.uniform(0, 1e5):.3f}") * 2
        else:
            q = Decimal(f"{rng.randint(10**27, 10**28)}5") / Decimal(10 ** rng.randint(20, 30))
        cases.append((q, v))
    from co2calc.db.recalc import _r28  # the inline form the re-valuation statement uses

    with transaction(all_units=True) as conn:
        got = conn.execute(
            f"select co2calc_round28(q * v) as f, {_r28('q * v')} as i"
            " from unnest(%s::numeric[], %s::numeric[]) with ordinality as t (q, v, n)"
            " order by n",
            ([q for q, _ in cases], [v for _, v in cases]),
        ).fetchall()
    for (q, v), r in zip(cases, got, strict=True):
        assert r["f"] == q * v, (q, v, r, q * v)
        assert r["i"] == q * v, (q, v, r, q * v)
