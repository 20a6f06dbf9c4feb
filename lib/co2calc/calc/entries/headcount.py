"""Headcount entries (product spec §4.1)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from co2calc.calc.entries.base import Entry, Fraction, Label

__all__ = ["MemberEntry", "StaffCategory", "StudentsEntry"]


class StaffCategory(StrEnum):
    """Swiss SHIS personnel categories."""

    PROFESSORS = "51"
    OTHER_TEACHING = "52"
    SCIENTIFIC_COLLABORATORS = "53"
    ASSISTANTS_DOCTORAL = "54"
    MANAGERIAL = "56"
    ADMINISTRATIVE = "57"
    TECHNICAL = "58"
    OPERATIONAL = "59"


class MemberEntry(Entry):
    """One staff member; ``person_id`` is unique within the unit and year (checked by the API)."""

    name: Label
    staff_category: StaffCategory
    person_id: Annotated[str, Field(min_length=1, max_length=64)]
    fte: Fraction


class StudentsEntry(Entry):
    """The unit's aggregate student FTE."""

    fte: Annotated[Decimal, Field(ge=0, le=100_000, allow_inf_nan=False)]
