"""Year-over-year decomposition on a tiny hand example."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from co2calc.calc.result import EmissionRow
from co2calc.results.change import decompose


def row(module, kg, qty, factor="f", unit="pkm", sub="x") -> EmissionRow:
    return EmissionRow(
        D(kg), f"{module}.{sub}", 3, "c", module, sub, factor, "v", D(qty), unit, 0.1, 0.1
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


def test_breakdown_per_module_and_submodule():
    # Hand calculation (method in co2calc.results.change's docstring), FTE 4 → 5, scale 0.25.
    # travel/plane, one line: 10,000 pkm at 0.15 = 1,500 kg → 8,000 pkm at 0.1875 = 1,500 kg.
    #   change 0; factor = 8,000 × (0.1875 − 0.15) = 300; headcount = 0.25 × 1,500 = 375;
    #   activity = 0 − 300 − 375 = −675  (= −2,000 pkm × 0.15 − 375)
    # travel/train, one line: 2,000 pkm at 0.01 = 20 kg → 4,000 pkm at 0.01 = 40 kg.
    #   change 20; factor 0; headcount 0.25 × 20 = 5; activity 15
    # buildings/energy: 1,000 kWh at 0.1 = 100 kg (line "e") gone; new line "h" 50 kWh = 7.5 kg.
    #   line e: change −100, factor 0, headcount 25, activity −125
    #   line h: change 7.5, factor 0, headcount 0, activity 7.5
    #   submodule: change −92.5, factor 0, headcount 25, activity −117.5
    # travel module = plane + train: change 20, activity −660, factor 300, headcount 380
    # total: change −72.5 = activity −777.5 + factor 300 + headcount 405
    prev = [
        row("travel", 1500, 10000, sub="plane"),
        row("travel", 20, 2000, factor="t", sub="train"),
        row("buildings", 100, 1000, factor="e", unit="kWh", sub="energy"),
    ]
    cur = [
        row("travel", 1500, 8000, sub="plane"),
        row("travel", 40, 4000, factor="t", sub="train"),
        row("buildings", D("7.5"), 50, factor="h", unit="kWh", sub="energy"),
    ]
    out = decompose(prev, cur, fte_previous=D(4), fte_current=D(5))
    effects = ("change_kg", "activity_kg", "factor_kg", "headcount_kg")
    subs = {
        (x["module"], x["submodule"]): tuple(x[k] for k in effects) for x in out["by_submodule"]
    }
    assert subs == {
        ("buildings", "energy"): (D("-92.5"), D("-117.5"), 0, 25),
        ("travel", "plane"): (0, -675, 300, 375),
        ("travel", "train"): (20, 15, 0, 5),
    }
    mods = {x["module"]: tuple(x[k] for k in effects) for x in out["by_module"]}
    assert mods == {
        "buildings": (D("-92.5"), D("-117.5"), 0, 25),
        "travel": (20, -660, 300, 380),
    }
    travel = next(x for x in out["by_module"] if x["module"] == "travel")
    assert (travel["previous_kg"], travel["current_kg"]) == (1520, 1540)
    assert tuple(out[k] for k in effects) == (D("-72.5"), D("-777.5"), 300, 405)


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
    for x in out["by_submodule"] + out["by_module"]:
        assert x["activity_kg"] + x["factor_kg"] + x["headcount_kg"] == x["change_kg"]
        assert x["current_kg"] - x["previous_kg"] == x["change_kg"]
    for m in out["by_module"]:
        subs = [x for x in out["by_submodule"] if x["module"] == m["module"]]
        for k in ("change_kg", "activity_kg", "factor_kg", "headcount_kg"):
            assert sum(x[k] for x in subs) == m[k]
    for k in ("change_kg", "activity_kg", "factor_kg", "headcount_kg"):
        assert sum(m[k] for m in out["by_module"]) == out[k]
