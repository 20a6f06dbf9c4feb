"""Purchase entries: spend-based and centralised (product spec §4.5)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from co2calc.calc.entries.base import Entry, Label, NonNegative, OptionalLabel
from co2calc.factors.money import Currency

__all__ = ["CentralisedPurchaseEntry", "CentralisedUnit", "Currency", "PurchaseEntry"]


class CentralisedUnit(StrEnum):
    KG = "kg"
    L = "L"
    M3 = "m3"


class PurchaseEntry(Entry):
    """An invoice line excl. VAT with its institutional and optional NACRES code."""

    item: Label
    supplier: OptionalLabel = None
    quantity: NonNegative = Decimal(1)
    amount: NonNegative
    currency: Currency
    purchase_code: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$")]
    nacres_code: Annotated[str | None, Field(default=None, pattern=r"^[A-Z]{2}\.?[0-9]{2}$")] = None


class CentralisedPurchaseEntry(Entry):
    """A centrally supplied product (e.g. ``liquid_nitrogen``) by physical quantity."""

    item: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
    quantity: NonNegative
    unit: CentralisedUnit
