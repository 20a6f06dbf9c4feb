"""Spend conversion: report-year money → EUR of a factor's base year (product spec §4.5).

``amount_eur = amount / rate(report_year, currency)`` with ECB annual means
quoted as *units of currency per 1 EUR*; then deflation with the euro-area HICP
``eur_base = amount_eur × HICP(base_year) / HICP(report_year)``. A factor quoted
per another currency (``kg/CHF`` of 2019) is applied to
``eur_base × rate(base_year, CHF)``, i.e. the spend expressed in that currency
of the base year; equivalently the factor per EUR is ``value × rate``.

Everything is ``Decimal`` and pure: tables are arguments, never fetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum

__all__ = ["CURRENCIES", "Currency", "MissingRate", "deflate_eur", "to_eur", "to_factor_money"]

ONE = Decimal(1)


class Currency(StrEnum):
    """Currencies accepted for spend entries (ECB reference rates exist for all)."""

    CHF = "CHF"
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"
    JPY = "JPY"
    CNY = "CNY"
    CAD = "CAD"
    AUD = "AUD"
    SEK = "SEK"


CURRENCIES: tuple[str, ...] = tuple(c.value for c in Currency)

type FxTable = Mapping[tuple[int, str], Decimal]
type HicpTable = Mapping[int, Decimal]


class MissingRate(LookupError):
    """No exchange rate or HICP value for the year/currency needed."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)


def rate(fx: FxTable, year: int, currency: str) -> Decimal:
    if currency == "EUR":
        return ONE
    r = fx.get((year, currency))
    if r is None:
        raise MissingRate(f"no ECB rate for {currency} in {year}")
    return r


def to_eur(amount: Decimal, currency: str, year: int, fx: FxTable) -> Decimal:
    """Amount in ``currency`` of ``year`` → EUR of ``year`` (divide by units-per-EUR)."""
    if currency == "EUR":
        return amount
    return amount / rate(fx, year, currency)


def deflate_eur(amount_eur: Decimal, from_year: int, to_year: int, hicp: HicpTable) -> Decimal:
    """EUR of ``from_year`` → EUR of ``to_year`` with the euro-area HICP."""
    if from_year == to_year:
        return amount_eur
    src, dst = hicp.get(from_year), hicp.get(to_year)
    if src is None or dst is None:
        missing = from_year if src is None else to_year
        raise MissingRate(f"no euro-area HICP index for {missing}")
    return amount_eur * dst / src


def to_factor_money(
    amount: Decimal,
    currency: str,
    report_year: int,
    factor_currency: str,
    factor_base_year: int | None,
    fx: FxTable,
    hicp: HicpTable,
) -> tuple[Decimal, Decimal]:
    """Spend → (EUR of the report year, money in the factor's currency and base year).

    Without a base year the factor is taken as nominal money of the report year.
    """
    eur = to_eur(amount, currency, report_year, fx)
    base = report_year if factor_base_year is None else factor_base_year
    eur_base = deflate_eur(eur, report_year, base, hicp)
    if factor_currency == "EUR":
        return eur, eur_base
    return eur, eur_base * rate(fx, base, factor_currency)
