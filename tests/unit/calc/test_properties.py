"""Property tests (hypothesis) over the calculators."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from co2calc.calc import compute
from co2calc.calc.entries import (
    AIEntry,
    CabinClass,
    EquipmentEntry,
    PlaneEntry,
    PurchaseEntry,
    TrainEntry,
)
from co2calc.factors import load_shipped_factor_set, parse_factor_rows
from co2calc.factors.money import to_factor_money

# built once (hypothesis and function-scoped fixtures do not mix)
_FS = load_shipped_factor_set(2024)
AIRPORTS = ["GVA", "LHR", "ZRH", "CDG", "JFK"]
STATIONS = [
    ("Genève", "CH"),
    ("Bern", "CH"),
    ("Zürich HB", "CH"),
    ("Paris Gare de Lyon", "FR"),
    ("Frankfurt (Main) Hbf", "DE"),
    ("Praha hl.n.", "CZ"),
]
money = st.decimals(min_value=0, max_value=D(10) ** 7, places=2, allow_nan=False)
pairs = st.tuples(st.sampled_from(AIRPORTS), st.sampled_from(AIRPORTS)).filter(
    lambda p: p[0] != p[1]
)


@settings(max_examples=60, deadline=None)
@given(pair=pairs, trips=st.integers(1, 50), cabin=st.sampled_from(list(CabinClass)))
def test_plane_round_trip_is_twice_one_way_and_linear(ctx_factory, pair, trips, cabin) -> None:
    ctx = ctx_factory(_FS)
    one = PlaneEntry(origin=pair[0], destination=pair[1], trips=trips, cabin_class=cabin)
    kg_one = compute("travel", "plane", one, ctx).kg
    kg_rt = compute("travel", "plane", one.model_copy(update={"round_trip": True}), ctx).kg
    kg_single = compute("travel", "plane", one.model_copy(update={"trips": 1}), ctx).kg
    assert kg_rt == 2 * kg_one
    assert kg_one == trips * kg_single
    assert kg_one > 0


@settings(max_examples=40, deadline=None)
@given(o=st.sampled_from(STATIONS), d=st.sampled_from(STATIONS), trips=st.integers(1, 20))
def test_train_round_trip_and_never_negative(ctx_factory, o, d, trips) -> None:
    ctx = ctx_factory(_FS)
    e = TrainEntry(
        origin_name=o[0],
        origin_country=o[1],
        destination_name=d[0],
        destination_country=d[1],
        trips=trips,
    )
    kg = compute("travel", "train", e, ctx).kg
    assert kg >= 0
    assert compute("travel", "train", e.model_copy(update={"round_trip": True}), ctx).kg == 2 * kg


@settings(max_examples=60, deadline=None)
@given(
    amount=money,
    currency=st.sampled_from(["EUR", "CHF", "USD"]),
    year=st.sampled_from([2024, 2025]),
)
def test_purchase_linear_zero_and_non_negative(ctx_factory, amount, currency, year) -> None:
    ctx = ctx_factory(_FS, year)
    e = PurchaseEntry(item="x", amount=amount, currency=currency, purchase_code="41100000")
    kg = compute("purchases", "other", e, ctx).kg
    double = compute("purchases", "other", e.model_copy(update={"amount": amount * 2}), ctx).kg
    assert kg >= 0
    assert abs(double - 2 * kg) <= D("1e-18") * (1 + kg)
    if amount == 0:
        assert kg == 0


@settings(max_examples=60, deadline=None)
@given(amount=money)
def test_base_year_eur_unchanged_by_deflation(ctx_factory, amount) -> None:
    # a 2019 report in EUR with a EUR-2019 factor: no FX, no deflation
    ctx = ctx_factory(_FS, 2019)
    e = PurchaseEntry(item="x", amount=amount, currency="EUR", purchase_code="41100000")
    (row,) = compute("purchases", "other", e, ctx).rows
    assert row.quantity == amount
    assert row.kg == amount * D("0.35")


@settings(max_examples=60, deadline=None)
@given(amount=money, currency=st.sampled_from(["CHF", "USD", "EUR"]))
def test_non_eur_factor_same_as_computing_in_its_currency(amount, currency) -> None:
    # factor 0.5 kg per <currency> of 2024, report year 2024: converting the amount to EUR
    # and the factor to kg/EUR equals amount × factor directly in that currency
    fx = {(2024, "CHF"): D("0.952626"), (2024, "USD"): D("1.082380")}
    hicp = {2024: D("126.07")}
    _, in_factor_money = to_factor_money(amount, currency, 2024, currency, 2024, fx, hicp)
    assert abs(in_factor_money * D("0.5") - amount * D("0.5")) <= D("1e-20") * (1 + amount)
    s = parse_factor_rows(
        [
            {
                "factor_id": "f",
                "module": "purchases",
                "submodule": "spend",
                "key": "code:1",
                "value": "0.5",
                "unit": f"kg/{currency}",
                "uncertainty": "0.5",
                "source": "t",
                "currency": currency,
                "base_year": "2024",
            }
        ],
        version="t",
        year=2024,
    )
    from co2calc.calc import CalcContext

    ctx = CalcContext.build(s, 2024, fx=fx, hicp=hicp)
    e = PurchaseEntry(item="x", amount=amount, currency=currency, purchase_code="1")
    assert abs(compute("purchases", "other", e, ctx).kg - amount * D("0.5")) <= D("1e-18") * (
        1 + amount
    )


@settings(max_examples=60, deadline=None)
@given(
    fte=st.decimals(min_value=0, max_value=50, places=2),
    active=st.decimals(min_value=0, max_value=84, places=1),
    standby=st.decimals(min_value=0, max_value=84, places=1),
)
def test_zero_in_zero_out_and_never_negative(ctx_factory, fte, active, standby) -> None:
    ctx = ctx_factory(_FS)
    ai = compute(
        "cloud-ai", "ai", AIEntry(provider="x", use="code", user_fte=fte, requests_band=">100"), ctx
    )
    eq = compute(
        "equipment",
        "it",
        EquipmentEntry(
            inventory_id="1",
            name="n",
            cls="Desktop",
            active_hours_week=active,
            standby_hours_week=standby,
        ),
        ctx,
    )
    assert ai.kg >= 0 and eq.kg >= 0
    assert (ai.kg == 0) == (fte == 0)
    if active == standby == 0:
        assert eq.kg == 0
