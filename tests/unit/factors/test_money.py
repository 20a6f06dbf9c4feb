"""FX and HICP conversion (product spec §4.5)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from co2calc.factors import MissingRate, deflate_eur, to_eur

FX = {(2024, "USD"): D("1.082380")}  # ECB annual mean 2024 (shared/data/ecb-fx-annual.csv)
HICP = {2019: D("104.80"), 2024: D("126.07")}  # Eurostat prc_hicp_aind, 2015 = 100


def test_to_eur_divides_by_units_per_eur() -> None:
    assert to_eur(D("1082.380"), "USD", 2024, FX) == D(1000)
    assert to_eur(D(5), "EUR", 2024, {}) == D(5)


def test_deflation_to_base_year() -> None:
    # 126.07 EUR of 2024 = 104.80 EUR of 2019
    assert deflate_eur(D("126.07"), 2024, 2019, HICP) == D("104.80")
    assert deflate_eur(D(7), 2019, 2019, {}) == D(7)


def test_missing_rate() -> None:
    with pytest.raises(MissingRate):
        to_eur(D(1), "JPY", 2024, FX)
    with pytest.raises(MissingRate):
        deflate_eur(D(1), 2030, 2019, HICP)
