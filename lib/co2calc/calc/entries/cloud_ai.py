"""External cloud and generative-AI entries (product spec §4.6)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from co2calc.calc.entries.base import Entry, Label, NonNegative
from co2calc.factors.money import Currency

__all__ = ["REQUESTS_PER_DAY", "AIEntry", "AIUse", "CloudEntry", "CloudService", "RequestBand"]


class CloudService(StrEnum):
    COMPUTE = "compute"
    STORAGE = "storage"
    OTHER = "other"


class AIUse(StrEnum):
    TEXT = "text"
    CODE = "code"
    IMAGE = "image"


class RequestBand(StrEnum):
    """Requests per user per day, as bands in the form."""

    B1_5 = "1-5"
    B5_20 = "5-20"
    B20_100 = "20-100"
    B100_PLUS = ">100"


REQUESTS_PER_DAY: dict[RequestBand, Decimal] = {
    RequestBand.B1_5: Decimal(3),
    RequestBand.B5_20: Decimal("12.5"),
    RequestBand.B20_100: Decimal(60),
    RequestBand.B100_PLUS: Decimal(100),
}
"""Representative value of each band (product spec §4.6)."""


class CloudEntry(Entry):
    provider: Label
    service_type: CloudService
    amount: NonNegative
    currency: Currency


class AIEntry(Entry):
    """Use of a generative-AI service by some FTE of users; one emission row per entry."""

    provider: Label
    use: AIUse
    user_fte: Annotated[Decimal, Field(ge=0, le=100_000, allow_inf_nan=False)]
    requests_band: RequestBand
    working_days: Annotated[int | None, Field(default=None, ge=1, le=366)] = None
