"""Year-over-year decomposition on a tiny hand example."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from co2calc.calc.result import EmissionRow
from co2calc.results.change import decompose


def row(module, kg, qty, factor="f", unit="pkm") -> EmissionRow:
    return EmissionRow(
        D(kg), f"{module}.x", 3, "c", module, "x", factor, "v", D(qty), unit, 0.1, 0.1
    )


def test_hand_example():
    # A: 1,000 pkm at 0.20 → 1,500 pkm at 0.24 (200 → 360 kg); B: 100 units, 50 kg, gone.
    # FTE 2 → 3, so scale = 0.5.
    #   A: change 160; factor = 1,500 × (0.24 − 0.20) = 60; headcount = 0.5 × 200 = 100;
    #      activity = 160 − 60 − 100 = 0  (= 500 pkm × 0.20 − 100)
    #   B: change −50; factor 0; headcount 0.5 × 50 = 25; activity −75
    prev = [row("a", 200, 1000), row("b", 50, 100, factor="g", unit="kg")]
    cur = [row("a", 360, 1500)]
    out = decompose(prev, cur, fte_previous=D(2), fte_current=D(3))
    assert out["change_kg"] == 110
    assert (out["activity_kg"], out["factor_kg"], out["headcount_kg"]) == (-75, 60, 125)
    lines = {x["module"]: x for x in out["by_submodule"]}
    assert (lines["a"]["activity_kg"], lines["a"]["factor_kg"], lines["a"]["headcount_kg"]) == (
        0,
        60,
        100,
    )
    assert lines["b"]["activity_kg"] == -75 and lines["b"]["headcount_kg"] == 25


def test_no_headcount_means_no_headcount_effect():
    out = decompose([row("a", 10, 1)], [row("a", 30, 2)], fte_previous=D(0), fte_current=D(4))
    # factor = 2 × (15 − 10) = 10; activity = (2 − 1) × 10 = 10
    assert (out["activity_kg"], out["factor_kg"], out["headcount_kg"]) == (10, 10, 0)


kg = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False)
qty = st.decimals(min_value=0, max_value=10**5, places=2, allow_nan=False, allow_infinity=False)
line = st.tuples(st.sampled_from("abc"), st.sampled_from("fg"), kg, qty)
fte = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@given(st.lists(line, max_size=6), st.lists(line, max_size=6), fte, fte)
def test_effects_always_sum_to_the_change(prev, cur, h0, h1):
    out = decompose(
        [row(m, k, q, factor=f) for m, f, k, q in prev],
        [row(m, k, q, factor=f) for m, f, k, q in cur],
        fte_previous=h0,
        fte_current=h1,
    )
    assert out["activity_kg"] + out["factor_kg"] + out["headcount_kg"] == out["change_kg"]
    assert out["current_kg"] - out["previous_kg"] == out["change_kg"]
    for x in out["by_submodule"]:
        assert x["activity_kg"] + x["factor_kg"] + x["headcount_kg"] == x["change_kg"]
