"""Research facility use entries (product spec §4.8)."""

from __future__ import annotations

from enum import StrEnum

from co2calc.calc.entries.base import Entry, Label, NonNegative

__all__ = ["FacilityUnit", "FacilityUseEntry"]


class FacilityUnit(StrEnum):
    HOURS = "hours"
    CHF = "CHF"
    ANIMAL_HOUSINGS = "animal_housings"


class FacilityUseEntry(Entry):
    """The unit's use of a shared facility, in the facility's own use unit."""

    facility: Label
    use: NonNegative
    use_unit: FacilityUnit
