"""Plane and train calculators (product spec §4.2)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from co2calc.calc import FlagReason, compute, explain
from co2calc.calc.entries import CabinClass, PlaneEntry, TrainEntry
from co2calc.calc.geo import great_circle_km
from co2calc.factors import parse_factor_rows


def test_gva_lhr_great_circle() -> None:
    # product spec §4.2: GVA–LHR great-circle 753.7 km
    assert great_circle_km(46.2381, 6.10895, 51.4700, -0.4543) == pytest.approx(753.7, abs=0.1)


def test_gva_lhr_economy_round_trip(ctx) -> None:
    # product spec §4.2: (753.7 + 95) × 2 × 0.2586 ≈ 439 kg CO2e
    result = compute(
        "travel", "plane", PlaneEntry(origin="GVA", destination="LHR", round_trip=True), ctx
    )
    (row,) = result.rows
    assert row.quantity == (D("753.723") + 95) * 2
    assert row.kg == pytest.approx(D(439), abs=D("0.5"))
    assert row.kg == (D("753.723") + 95) * 2 * D("0.2586")
    assert (row.scope, row.leaf, row.factor_id, row.quantity_unit) == (
        3,
        "travel.plane",
        "plane.0-1000",
        "pkm",
    )
    assert row.factor_version == "2024.1"
    assert row.factor_uncertainty == pytest.approx(0.37)


def test_band_is_chosen_on_corrected_distance(ctx) -> None:
    # GVA–CDG great circle ≈ 410 km → short band; hand check: ZRH–LHR ≈ 788 km + 95 = 883 < 1000
    # GVA–JFK: 6201.2 + 95 = 6296.2 km → long band 0.1520 (ADEME id 28134)
    (row,) = compute("travel", "plane", PlaneEntry(origin="GVA", destination="JFK"), ctx).rows
    assert row.factor_id == "plane.3500-"
    assert row.kg == row.quantity * D("0.1520")


def test_band_boundary_uses_the_95km(fs2024, ctx_factory) -> None:
    # a 950 km great circle is short before the +95 km and medium after it
    ctx = ctx_factory(fs2024)
    ctx.memo[("AAA", "BBB")] = D(950) + 95  # memoised corrected leg: pure-function cache
    ctx.airports = {**ctx.airports, "AAA": object(), "BBB": object()}  # type: ignore[dict-item]
    (row,) = compute("travel", "plane", PlaneEntry(origin="AAA", destination="BBB"), ctx).rows
    assert row.factor_id == "plane.1000-3500"
    assert row.kg == D(1045) * D("0.1875")


def test_long_haul_business_uses_defra_ratio(ctx) -> None:
    # DESNZ 2025 long-haul business/economy = 2.9 (factor-references.csv class ratio)
    (row,) = compute(
        "travel",
        "plane",
        PlaneEntry(origin="GVA", destination="JFK", cabin_class=CabinClass.BUSINESS),
        ctx,
    ).rows
    assert row.kg == row.quantity * D("0.1520") * D("2.9")


def test_unknown_airport_is_flagged_not_zero(ctx) -> None:
    result = compute("travel", "plane", PlaneEntry(origin="GVA", destination="XXX"), ctx)
    assert result.rows == () and result.flag.reason is FlagReason.UNKNOWN_AIRPORT
    assert "XXX" in result.flag.detail


def test_kg_override(ctx) -> None:
    (row,) = compute(
        "travel", "plane", PlaneEntry(origin="GVA", destination="XXX", kg_override=D("123.4")), ctx
    ).rows
    assert row.kg == D("123.4") and row.factor_id == "agency-override"


def _plane_set(non_co2: str, multiplier: str = "") -> object:
    return parse_factor_rows(
        [
            {
                "factor_id": "p",
                "module": "travel",
                "submodule": "plane",
                "key": "band:0-",
                "value": "0.1",
                "unit": "kg/pkm",
                "uncertainty": "0.3",
                "source": "test",
                "non_co2": non_co2,
                "non_co2_multiplier": multiplier,
            }
        ],
        version="t",
        year=2024,
    )


@pytest.mark.parametrize(
    ("non_co2", "multiplier", "expected"),
    [
        ("included", "", D("0.1")),  # contrails already inside: never multiplied
        ("multiplier", "1.7", D("0.17")),  # DESNZ 2025 RF multiplier 1.7, applied exactly once
        ("not_applicable", "", D("0.1")),
    ],
)
def test_non_co2_effects_applied_once(ctx_factory, non_co2, multiplier, expected) -> None:
    ctx = ctx_factory(_plane_set(non_co2, multiplier))
    (row,) = compute("travel", "plane", PlaneEntry(origin="GVA", destination="LHR"), ctx).rows
    assert row.kg == row.quantity * expected
    trace = explain("travel", "plane", PlaneEntry(origin="GVA", destination="LHR"), ctx)
    assert D(trace["result"]["kg"]) == row.kg  # the explanation path gives the same number


def test_train_swiss_trip(ctx) -> None:
    # mobitool v3.0 CH 0.007 kg/pkm; distance = haversine × 1.2 (spec §4.2)
    entry = TrainEntry(
        origin_name="Genève",
        origin_country="CH",
        destination_name="Zürich HB",
        destination_country="CH",
        round_trip=True,
    )
    (row,) = compute("travel", "train", entry, ctx).rows
    km = D(f"{great_circle_km(46.2103, 6.1426, 47.3782, 8.5402):.3f}") * D("1.2")
    assert row.quantity == km * 2
    assert row.kg == km * 2 * D("0.007")
    assert row.factor_id == "train.CH"


def test_train_foreign_and_rest_of_world(ctx) -> None:
    to_paris = TrainEntry(
        origin_name="genève",
        origin_country="ch",
        destination_name="Paris Gare de Lyon",
        destination_country="FR",
    )
    assert compute("travel", "train", to_paris, ctx).rows[0].factor_id == "train.FR"  # 0.0125
    to_prague = TrainEntry(
        origin_name="Bern",
        origin_country="CH",
        destination_name="Praha hl.n.",
        destination_country="CZ",
    )
    assert compute("travel", "train", to_prague, ctx).rows[0].factor_id == "train.RoW"


def test_unknown_station(ctx) -> None:
    entry = TrainEntry(
        origin_name="Nowhere",
        origin_country="CH",
        destination_name="Bern",
        destination_country="CH",
    )
    assert compute("travel", "train", entry, ctx).flag.reason is FlagReason.UNKNOWN_STATION
