"""results function against the real database: hand-computed totals, change, trajectory,
frozen reports, exports and who may see what."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from co2calc.modules import MODULES

from .conftest import ADMIN, MEMBER, OFFICER, OTHER, PRINCIPAL

D = Decimal


def _get(caller, path, **params):
    r = caller.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_unit_year_totals_by_hand(sign_in, results_data):
    # GIVEN the 2081 entries of ENAC-CLIM-LAB1 (see conftest.py):
    #   gas 10,000 kWh × 0.24 = 2,400 kg; oil 1,000 kWh × 0.3243 = 324.3 kg; R134a 2 kg × 1,300
    #   = 2,600 kg (all scope 1); estimates: staff 1.5 FTE × 790 = 1,185 kg, students 1 × 500
    #   = 500 kg (scope 3) → total 7,009.3 kg, 5,324.3 kg without estimates; FTE 2.5.
    body = _get(sign_in(PRINCIPAL), f"/api/results/{results_data.lab1}/2081")
    total = body["total"]
    assert D(total["kg"]) == D("7009.3") and D(total["t"]) == D("7.009")
    assert total["low_kg"] < 7009.3 < total["high_kg"]
    assert {a["key"]: D(a["kg"]) for a in body["by_scope"]} == {"1": D("5324.3"), "3": D(1685)}
    assert {a["key"]: D(a["kg"]) for a in body["by_module"]} == {
        "buildings": D("2724.3"),
        "headcount": D(1685),
        "process-emissions": D(2600),
    }
    subs = {a["key"]: a for a in body["by_submodule"]}
    assert D(subs["buildings/combustion"]["kg"]) == D("2724.3")
    for a in body["by_scope"] + body["by_module"] + body["by_submodule"]:
        assert a["low_kg"] <= float(a["kg"]) <= a["high_kg"]
    # per FTE: 7,009.3 / 2.5 = 2,803.72 kg = 2.804 t, 1.40 × the 2 t reference
    per = body["per_fte"]
    assert D(per["fte"]) == D("2.5") and D(per["kg"]) == D("2803.720")
    assert D(per["t"]) == D("2.804") and per["ratio_to_reference"] == pytest.approx(1.40186)
    # estimates shown apart; one flagged entry (unknown fuel) among 7
    assert D(body["estimates"]["kg"]) == D(1685)
    assert body["estimates"]["share_of_total"] == pytest.approx(1685 / 7009.3)
    dq = body["data_quality"]
    assert dq["entries"] == 7 and dq["flagged_entries"] == 1
    assert dq["flagged_or_estimated_share"] == pytest.approx(1685 / 7009.3)
    # car-km: 7,009.3 / 0.1864 kg per km = 37,603.5 → 37,604 km
    assert D(body["car_km"]["km"]) == 37604 and "mobitool" in body["car_km"]["source"]
    # top items: R134a 2,600, gas 2,400, staff member 1.0 FTE 790, students 500, …
    top = body["top_items"]
    assert [(t["label"], D(t["kg"])) for t in top[:3]] == [
        ("R134a", D(2600)),
        ("natural_gas", D(2400)),
        ("Member R81-1", D(790)),
    ]
    assert body["frozen"] is None and body["report_status"] == "open"


def test_estimates_can_be_excluded(sign_in, results_data):
    with_est = _get(sign_in(PRINCIPAL), f"/api/results/{results_data.lab1}/2081")
    body = _get(
        sign_in(PRINCIPAL), f"/api/results/{results_data.lab1}/2081", include_estimates="false"
    )
    assert D(body["total"]["kg"]) == D("5324.3")
    assert {a["key"] for a in body["by_module"]} == {"buildings", "process-emissions"}
    assert D(body["per_fte"]["kg"]) == D("2129.720")  # 5,324.3 / 2.5
    assert D(body["estimates"]["kg"]) == D(1685) and not body["estimates"]["included_in_total"]
    assert body["data_quality"]["flagged_or_estimated_share"] == 0
    assert body["total"]["high_kg"] - body["total"]["low_kg"] < (
        with_est["total"]["high_kg"] - with_est["total"]["low_kg"]
    )


def test_years_side_by_side(sign_in, results_data):
    body = _get(sign_in(MEMBER), f"/api/results/{results_data.lab1}")
    years = {y["year"]: y for y in body["years"]}
    assert D(years[2081]["total"]["kg"]) == D("7009.3")
    assert D(years[2082]["total"]["kg"]) == D("6584.3")
    assert D(years[2082]["fte"]) == 3 and D(years[2081]["by_scope"]["3"]) == 1685


def test_year_over_year_change_explained(sign_in, results_data):
    # 2082 vs 2081: E1 = 2,880 + 324.3 + 1,300 + 2 × 790 + 500 = 6,584.3; change −425 kg.
    # Same factors → factor effect 0; FTE 2.5 → 3.0 → headcount effect 0.2 × 7,009.3
    # = 1,401.86 kg; activity effect = −425 − 1,401.86 = −1,826.86 kg.
    body = _get(sign_in(MEMBER), f"/api/results/{results_data.lab1}/2082/change")
    assert body["previous_year"] == 2081
    change, act, fac, head = (
        D(body[k]) for k in ("change_kg", "activity_kg", "factor_kg", "headcount_kg")
    )
    assert change == D(-425) and fac == 0 and head == D("1401.86") and act == D("-1826.86")
    assert act + fac + head == change
    for line in body["by_submodule"]:
        assert D(line["activity_kg"]) + D(line["factor_kg"]) + D(line["headcount_kg"]) == D(
            line["change_kg"]
        )
    # without estimates: 4,504.3 − 5,324.3 = −820; headcount 0.2 × 5,324.3 = 1,064.86
    body = _get(
        sign_in(MEMBER),
        f"/api/results/{results_data.lab1}/2082/change",
        include_estimates="false",
    )
    assert D(body["change_kg"]) == -820 and D(body["headcount_kg"]) == D("1064.86")
    assert D(body["activity_kg"]) == D("-1884.86")
    # (no "nothing before" check here: other suites may give the unit earlier years)


def test_trajectory_and_projection(sign_in, results_data):
    from co2calc.db import transaction

    # LAB3 totals 2,400 / 2,160 / 1,920 kg in 2091–2093; no 2019 → baseline 2091.
    with transaction(all_units=True) as conn:
        conn.execute(
            "update reporting_year set objectives = %s where year = 2093",
            ('{"baseline_year": 2091, "targets": [{"year": 2101, "reduction": 0.5}]}',),
        )
    admin = sign_in(ADMIN)
    body = _get(admin, f"/api/results/{results_data.lab3}/2093/trajectory")
    assert body["objectives_source"] == "reporting_year.objectives"
    assert body["baseline_year"] == 2091 and D(body["baseline_kg"]) == 2400
    # path: 2,400 → 1,200 over 2091–2101, i.e. −120 kg/year → 2,160 in 2093; actual 1,920
    assert D(body["path_kg"]) == 2160 and D(body["gap_kg"]) == -240 and body["on_track"]
    # least squares through (2091, 2400), (2092, 2160), (2093, 1920): −240 kg/year
    proj = body["projection"]
    assert proj["method"] == "linear" and D(proj["slope_kg_per_year"]) == -240
    assert [(p["year"], D(p["kg"])) for p in proj["points"]] == [
        (2094, 1680),
        (2095, 1440),
        (2096, 1200),
    ]
    # 2092 has default objectives (2019 baseline, absent → earliest year) and 2 points
    body = _get(admin, f"/api/results/{results_data.lab3}/2092/trajectory")
    assert body["objectives_source"] == "default" and body["baseline_year"] == 2091
    assert "2019" in body["baseline_note"]
    assert body["projection"]["method"] == "constant"
    assert [D(p["kg"]) for p in body["projection"]["points"]] == [2160, 2160, 2160]


def test_frozen_report_keeps_as_reported(sign_in, results_data):
    from dataclasses import replace

    from co2calc import factorstore
    from co2calc.db import connection, transaction
    from co2calc.factors import FactorSet, load_shipped_factor_set
    from co2calc.recalc import recalculate

    principal = sign_in(PRINCIPAL)
    rid = _get(principal, f"/api/reports/unit/{results_data.lab1}/2083")["id"]
    for module in MODULES:
        r = principal.put(f"/api/reports/{rid}/modules/{module}", json={"status": "validated"})
        assert r.status_code == 200, r.text
    assert principal.post(f"/api/reports/{rid}/sign-off").status_code == 200
    before = _get(principal, f"/api/results/{results_data.lab1}/2083")
    assert D(before["frozen"]["as_reported"]["kg_co2e"]) == 240  # 1,000 kWh × 0.24
    assert D(before["frozen"]["restated"]["kg_co2e"]) == 240  # same factors (and now cached)

    # WHEN the gas factor is corrected to 0.25 kg/kWh (new active factor set 2083.2) and the
    # year is recalculated, as loading a factor set requests
    shipped = load_shipped_factor_set(2025)
    factors = [
        replace(f, value=D("0.25")) if f.factor_id == "fuel.natural_gas.kWh" else f
        for f in shipped.factors
    ]
    with transaction(all_units=True) as conn:
        factorstore.store_factor_set(conn, FactorSet.of("2083.2", 2083, "AR5", factors))
    recalculate(connection, year=2083, reason="test: factor correction")
    # THEN the frozen report's numbers stay as reported (its rows are not recalculated) and
    # the restated figures (the same entries with today's factors: 1,000 kWh × 0.25 = 250 kg)
    # appear beside them
    after = _get(principal, f"/api/results/{results_data.lab1}/2083")
    frozen = after["frozen"]
    assert D(after["total"]["kg"]) == 240 and after["by_module"] == before["by_module"]
    assert D(frozen["as_reported"]["kg_co2e"]) == 240 and D(frozen["restated"]["kg_co2e"]) == 250
    assert D(frozen["restated"]["by_module"]["buildings"]) == 250
    assert D(frozen["difference_kg"]) == 10
    assert frozen["factor_version"] == "2083.1" and frozen["current_factor_version"] == "2083.2"
    assert not frozen["inputs_changed"] and frozen["inputs_hash"] == frozen["current_inputs_hash"]


def test_who_may_see_results(sign_in, results_data):
    lab1 = results_data.lab1
    member = _get(sign_in(MEMBER), f"/api/results/{lab1}/2081")
    assert D(member["total"]["kg"]) == D("7009.3")
    # a member sees amounts, but not the labels of rows they may not read
    assert all(t["label"] is None for t in member["top_items"])
    assert sign_in(OFFICER).get(f"/api/results/{lab1}/2081").status_code == 200
    other = sign_in(OTHER)
    for path in ("", "/2081", "/2082/change", "/2081/trajectory", "/2081/export"):
        assert other.get(f"/api/results/{lab1}{path}").status_code == 403, path
    assert sign_in(ADMIN).get("/api/results/999999/2081").status_code == 404
    assert sign_in(PRINCIPAL).get(f"/api/results/{lab1}/2001").status_code == 404


def _csv(resp) -> list[list[str]]:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))


def test_exports_parse_back_and_neutralise_formulas(sign_in, results_data):
    principal = sign_in(PRINCIPAL)
    base = f"/api/results/{results_data.lab1}/2081/export"
    rows = _csv(principal.get(base, params={"format": "csv", "what": "results"}))
    assert rows[0][:3] == ["section", "key", "kg_co2e"]
    assert rows[1][:2] == ["total", "total"] and D(rows[1][2]) == D("7009.3")

    entries = _csv(principal.get(base, params={"format": "csv", "what": "entries"}))
    header, body = entries[0], entries[1:]
    assert len(body) == 7
    notes = [r[header.index("note")] for r in body]
    assert '\'=HYPERLINK("x")' in notes  # the formula is text, not evaluated
    assert not any(c.startswith(("=", "+", "-", "@")) for r in body for c in r)

    x = principal.get(base, params={"format": "xlsx", "what": "entries"})
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd")
    ws = openpyxl.load_workbook(io.BytesIO(x.content))["entries"]
    values = [c for row in ws.iter_rows(min_row=2, values_only=True) for c in row]
    assert '\'=HYPERLINK("x")' in values
    x = principal.get(base, params={"format": "xlsx", "what": "results"})
    ws = openpyxl.load_workbook(io.BytesIO(x.content))["results"]
    first = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[:2] == ("total", "total") and first[2] == pytest.approx(7009.3)

    # a member's entries export holds only their own travel and cloud rows (none here)
    mine = _csv(sign_in(MEMBER).get(base, params={"what": "entries"}))
    assert len(mine) == 1


def test_intervals_from_grouped_rows_equal_the_row_by_row_model(sign_in, results_data):
    # The results function sums emission rows per factor group in SQL before computing the
    # interval (db.results.emission_groups). Independent check: the engine's interval over
    # the individual stored rows (co2calc.calc.interval, correlation inside factor groups)
    # gives the same sd, low and high, for the total and for every module.
    from co2calc.calc import interval
    from co2calc.calc.result import EmissionRow
    from co2calc.db import transaction

    body = _get(sign_in(PRINCIPAL), f"/api/results/{results_data.lab1}/2081")
    with transaction(all_units=True) as conn:
        stored = conn.execute(
            "select kg_co2e, leaf, scope, category, module, submodule, factor_id, factor_version,"
            " quantity, quantity_unit, uncertainty, factor_uncertainty, estimate from emission"
            " where unit_id = %s and year = 2081",
            (results_data.lab1,),
        ).fetchall()
    rows = [EmissionRow(*(r[k] for k in r)) for r in stored]
    # several rows share a factor (two staff members: commuting, food, waste): real groups
    assert len({r.factor_id for r in rows}) < len(rows)

    def same(api: dict, iv) -> None:
        assert D(api["kg"]) == iv.total
        assert api["sd_kg"] == pytest.approx(iv.sd, abs=1e-3)
        assert api["low_kg"] == pytest.approx(iv.low, abs=1e-3)
        assert api["high_kg"] == pytest.approx(iv.high, abs=1e-3)

    same(body["total"], interval(rows))
    for m in body["by_module"]:
        same(m, interval([r for r in rows if r.module == m["key"]]))
