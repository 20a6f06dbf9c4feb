"""Building entries: rooms (energy and construction) and fuel combustion (spec §4.3)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from co2calc.calc.entries.base import Entry, Fraction, Label, NonNegative

__all__ = ["CombustionEntry", "FuelUnit", "RoomEntry", "RoomType"]


class RoomType(StrEnum):
    OFFICE = "office"
    LABORATORY = "laboratory"
    ARCHIVE = "archive"
    LIBRARY = "library"
    AUDITORIUM = "auditorium"
    OTHER = "other"


class FuelUnit(StrEnum):
    KWH = "kWh"
    L = "L"
    KG = "kg"
    M3 = "m3"


class RoomEntry(Entry):
    """A room of the reference list used by the unit; ``room_type`` overrides the reference."""

    building: Label
    room: Label
    room_type: RoomType | None = None
    share: Fraction = Decimal(1)


class CombustionEntry(Entry):
    """Fuel burnt on site; ``fuel`` is a factor-set key such as ``natural_gas``."""

    fuel: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
    unit: FuelUnit
    quantity: NonNegative
