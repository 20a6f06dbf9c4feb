"""Unit-year results body from emission rows."""

from __future__ import annotations

from decimal import Decimal as D

from co2calc.calc.result import EmissionRow
from co2calc.results.summary import entry_label, results_body


def _row(kg, factor, estimate=False, scope=1):
    return EmissionRow(D(kg), "l", scope, "c", "m", "s", factor, "v", D(1), "u", 0.2, 0.2, estimate)


def test_body_totals_per_fte_and_estimates():
    rows = [_row(600, "f"), _row(400, "f"), _row(1000, "g", estimate=True, scope=3)]
    body = results_body(rows, include_estimates=True, fte=D(4))
    assert body["total"]["kg"] == 2000 and body["per_fte"]["kg"] == 500
    assert body["per_fte"]["ratio_to_reference"] == 0.25  # 0.5 t vs 2 t
    # rows sharing factor f are fully correlated: sd = 1000 × 0.2 / 1.96 (not root-sum-square)
    f_only = results_body(rows[:2], include_estimates=True, fte=D(0))
    assert abs(f_only["total"]["sd_kg"] - 1000 * 0.2 / 1.959964) < 0.01
    assert f_only["per_fte"] is None
    no_est = results_body(rows, include_estimates=False, fte=D(4))
    assert no_est["total"]["kg"] == 1000 and no_est["estimates"]["kg"] == 1000
    assert no_est["estimates"]["share_of_total"] == 0.5
    assert body["car_km"]["km"] == D(10730)  # 2,000 / 0.1864 = 10,729.6


def test_labels():
    assert entry_label("travel", "plane", {"origin": "GVA", "destination": "LHR"}) == "GVA → LHR"
    assert entry_label("buildings", "combustion", {"fuel": "natural_gas"}) == "natural_gas"
    assert entry_label("headcount", "students", {"fte": 3}) == "headcount/students"
