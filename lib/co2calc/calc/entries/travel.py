"""Professional travel entries (product spec §4.2)."""

from __future__ import annotations

from datetime import date as Date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from co2calc.calc.entries.base import Entry, Label, NonNegative

__all__ = ["CabinClass", "PlaneEntry", "TrainClass", "TrainEntry"]

Trips = Annotated[int, Field(ge=1, le=10_000)]
Iata = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class CabinClass(StrEnum):
    ECONOMY = "economy"
    PREMIUM_ECONOMY = "premium_economy"
    BUSINESS = "business"
    FIRST = "first"


class TrainClass(StrEnum):
    FIRST = "1st"
    SECOND = "2nd"


class PlaneEntry(Entry):
    """A flight: IATA codes, cabin class, trips; ``kg_override`` is agency-supplied kg CO2e."""

    origin: Iata
    destination: Iata
    traveller_id: str | None = Field(default=None, max_length=64)
    date: Date | None = None
    trips: Trips = 1
    cabin_class: CabinClass = CabinClass.ECONOMY
    round_trip: bool = False
    kg_override: NonNegative | None = None

    @field_validator("origin", "destination", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.origin == self.destination:
            raise ValueError("origin and destination must differ")
        return self


class TrainEntry(Entry):
    """A train journey between two stations given by name and ISO country code."""

    origin_name: Label
    origin_country: Country
    destination_name: Label
    destination_country: Country
    traveller_id: str | None = Field(default=None, max_length=64)
    date: Date | None = None
    trips: Trips = 1
    travel_class: TrainClass = TrainClass.SECOND
    round_trip: bool = False

    @field_validator("origin_country", "destination_country", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value
