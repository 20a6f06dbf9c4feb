"""Objectives path and projection on hand examples."""

from __future__ import annotations

from decimal import Decimal as D

from co2calc.results.trajectory import path_value, project, trajectory


def test_least_squares_projection_by_hand():
    # x̄ = 2021.5, ȳ = 91.25, Σ(x−x̄)(y−ȳ) = −27.5, Σ(x−x̄)² = 5 → slope −5.5
    # 2024: 91.25 − 5.5 × 2.5 = 77.5; 2025: 72; 2026: 66.5
    hist = [(2020, D(100)), (2021, D(90)), (2022, D(95)), (2023, D(80))]
    out = project(hist, [2024, 2025, 2026])
    assert out["method"] == "linear" and out["slope_kg_per_year"] == D("-5.5")
    assert [p["kg"] for p in out["points"]] == [D("77.5"), D(72), D("66.5")]


def test_projection_never_negative_and_constant_with_few_points():
    out = project([(2020, D(30)), (2021, D(20)), (2022, D(10))], [2023, 2024])
    assert [p["kg"] for p in out["points"]] == [0, 0]
    out = project([(2020, D(50)), (2021, D(70))], [2022, 2023, 2024])
    assert out["method"] == "constant" and [p["kg"] for p in out["points"]] == [70, 70, 70]


def test_objectives_path_by_hand():
    targets = [(2030, D("0.4")), (2040, D("0.9"))]
    assert path_value(2019, D(1000), targets, 2019) == 1000
    # 1,000 − 400 × 6 / 11
    assert path_value(2019, D(1000), targets, 2025).quantize(D("0.001")) == D("781.818")
    assert path_value(2019, D(1000), targets, 2030) == 600
    assert path_value(2019, D(1000), targets, 2035) == 350
    assert path_value(2019, D(1000), targets, 2045) == 100


def test_baseline_falls_back_to_earliest_year():
    out = trajectory([(2021, D(800)), (2022, D(700))], 2022, None)
    assert out["objectives_source"] == "default" and out["baseline_year"] == 2021
    assert "2019" in out["baseline_note"]
    with_2019 = trajectory([(2019, D(1000)), (2022, D(700))], 2022, None)
    assert with_2019["baseline_year"] == 2019 and with_2019["baseline_note"] is None
    # path in 2022: 1,000 − 400 × 3 / 11 = 890.909; 700 is below it
    assert with_2019["path_kg"] == D("890.909") and with_2019["on_track"] is True
