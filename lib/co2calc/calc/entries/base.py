"""Shared base and field types of entry models.

Entry models are the single definition of each submodule's input shape: the
CRUD API, the CSV/XLSX importer and the OpenAPI document reuse them. They
validate at the boundary (ranges, enums, patterns) so the calculators can
compute on plain attribute values without re-checking.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Entry", "Fraction", "Label", "NonNegative", "OptionalLabel", "Positive"]


class Entry(BaseModel):
    """Base of every entry model: strict keys, stripped strings, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


NonNegative = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), allow_inf_nan=False)]
Positive = Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), allow_inf_nan=False)]
Fraction = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]
Label = Annotated[str, Field(min_length=1, max_length=200)]
OptionalLabel = Annotated[str | None, Field(default=None, max_length=200)]
