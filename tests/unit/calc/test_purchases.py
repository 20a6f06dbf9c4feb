"""Purchases: FX, HICP deflation, code matching (product spec §4.5)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from co2calc.calc import FlagReason, compute
from co2calc.calc.entries import CentralisedPurchaseEntry, PurchaseEntry
from co2calc.factors import parse_factor_rows

# ECB 2024 CHF 0.952626 per EUR; HICP 2019 104.80, 2024 126.07 (conftest sources)


def test_chf_purchase_hand_computed(ctx) -> None:
    # 1000 CHF in 2024 → 1000 / 0.952626 EUR2024 → × 104.80 / 126.07 EUR2019 → × 0.35 kg/EUR
    entry = PurchaseEntry(item="scope", amount=D(1000), currency="CHF", purchase_code="41100000")
    (row,) = compute("purchases", "scientific-equipment", entry, ctx).rows
    expected = D(1000) / D("0.952626") * D("104.80") / D("126.07") * D("0.35")
    assert row.kg == pytest.approx(expected, rel=D("1e-20"))
    assert row.kg == pytest.approx(D("305.42"), abs=D("0.01"))
    assert (row.quantity_unit, row.leaf, row.scope) == (
        "EUR2019",
        "purchases.scientific-equipment",
        3,
    )


def test_deflation_applied(ctx) -> None:
    # regression: 2024 EUR are worth less than 2019 EUR: kg < amount × factor
    entry = PurchaseEntry(item="x", amount=D(1000), currency="EUR", purchase_code="41100000")
    (row,) = compute("purchases", "other", entry, ctx).rows
    assert row.quantity == D(1000) * D("104.80") / D("126.07")
    assert row.kg < D(350)


def test_nacres_code_preferred_over_institutional_average(ctx) -> None:
    entry = PurchaseEntry(
        item="x", amount=D(100), currency="EUR", purchase_code="41120000", nacres_code="NB.01"
    )
    assert compute("purchases", "consumables", entry, ctx).rows[0].factor_id == "spend.nacres.NB01"
    fallback = entry.model_copy(update={"nacres_code": "ZZ99"})
    assert compute("purchases", "consumables", fallback, ctx).rows[0].factor_id == (
        "spend.code.41120000"
    )


def test_no_code_and_missing_rate_flagged(ctx) -> None:
    nothing = PurchaseEntry(item="x", amount=D(1), currency="EUR", purchase_code="1234")
    assert compute("purchases", "other", nothing, ctx).flag.reason is FlagReason.NO_MATCHING_FACTOR
    sek = PurchaseEntry(item="x", amount=D(1), currency="SEK", purchase_code="41100000")
    assert compute("purchases", "other", sek, ctx).flag.reason is (FlagReason.MISSING_EXCHANGE_RATE)


def _chf_set() -> object:
    return parse_factor_rows(
        [
            {
                "factor_id": "chf",
                "module": "purchases",
                "submodule": "spend",
                "key": "code:1",
                "value": "0.5",
                "unit": "kg/CHF",
                "uncertainty": "0.8",
                "source": "test",
                "currency": "CHF",
                "base_year": "2024",
            }
        ],
        version="t",
        year=2024,
    )


def test_factor_per_chf_uses_the_rate_in_the_right_direction(ctx_factory) -> None:
    # regression. ECB quotes CHF per EUR (0.952626 in 2024). 1000 EUR = 952.626 CHF, so a
    # 0.5 kg/CHF factor gives 476.313 kg: the EUR amount is turned into CHF with × rate
    # (a CHF amount into EUR with ÷ rate); the wrong way round would give 524.9 kg.
    ctx = ctx_factory(_chf_set())
    eur = PurchaseEntry(item="x", amount=D(1000), currency="EUR", purchase_code="1")
    assert compute("purchases", "other", eur, ctx).rows[0].kg == D("476.313")
    chf = PurchaseEntry(item="x", amount=D(1000), currency="CHF", purchase_code="1")
    assert compute("purchases", "other", chf, ctx).rows[0].kg == pytest.approx(
        D(500), abs=D("1e-20")
    )


def test_centralised_liquid_nitrogen(ctx) -> None:
    # 1000 L × 0.808 kg/L (LN2 density) × 0.10 kg CO2e/kg (illustrative default) = 80.8 kg
    entry = CentralisedPurchaseEntry(item="liquid_nitrogen", quantity=D(1000), unit="L")
    (row,) = compute("purchases", "centralised", entry, ctx).rows
    assert (row.kg, row.quantity) == (D("80.8"), D(808))
    m3 = entry.model_copy(update={"unit": "m3"})
    assert compute("purchases", "centralised", m3, ctx).flag.reason is FlagReason.UNIT_MISMATCH
