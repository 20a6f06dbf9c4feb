"""Process and fugitive gas entries (product spec §4.7)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from co2calc.calc.entries.base import Entry, NonNegative

__all__ = ["GasEntry"]


class GasEntry(Entry):
    """kg of a gas emitted; ``gas`` matches the GWP rows of the factor set (e.g. ``R410A``)."""

    gas: Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9 _\-]+$")]
    kg_emitted: NonNegative
