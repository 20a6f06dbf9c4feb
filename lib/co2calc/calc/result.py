"""What computing one entry yields: emission rows, or a typed reason it could not.

An :class:`EmissionRow` is plain immutable data (``Decimal`` kg CO2e) carrying
everything charts, aggregates and audits need. An entry that cannot be computed
is never zero: its :class:`Result` has no rows and a :class:`Flag` whose
:class:`FlagReason` the user sees.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

__all__ = ["EmissionRow", "Flag", "FlagReason", "Result"]


class FlagReason(StrEnum):
    UNKNOWN_AIRPORT = "unknown_airport"
    UNKNOWN_STATION = "unknown_station"
    NO_MATCHING_FACTOR = "no_matching_factor"
    MISSING_ROOM = "missing_room"
    UNIT_MISMATCH = "unit_mismatch"
    UNKNOWN_EQUIPMENT_CLASS = "unknown_equipment_class"
    MISSING_EXCHANGE_RATE = "missing_exchange_rate"
    UNKNOWN_FACILITY = "unknown_facility"
    FACILITY_WITHOUT_USE = "facility_without_use"


class Flag(NamedTuple):
    reason: FlagReason
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"reason": self.reason.value, "detail": self.detail}


class EmissionRow(NamedTuple):
    """One emission with provenance (a named tuple: immutable and cheap to build).

    ``uncertainty`` is the relative 95 % half-width of this row (factor and
    activity combined in quadrature); ``factor_uncertainty`` is the factor's
    own part, fully correlated across rows sharing ``factor_id``.
    """

    kg: Decimal
    leaf: str
    scope: int
    category: str
    module: str
    submodule: str
    factor_id: str
    factor_version: str
    quantity: Decimal
    quantity_unit: str
    uncertainty: float
    factor_uncertainty: float
    estimate: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "kg": str(self.kg),
            "leaf": self.leaf,
            "scope": self.scope,
            "category": self.category,
            "module": self.module,
            "submodule": self.submodule,
            "factor_id": self.factor_id,
            "factor_version": self.factor_version,
            "quantity": str(self.quantity),
            "quantity_unit": self.quantity_unit,
            "uncertainty": self.uncertainty,
            "factor_uncertainty": self.factor_uncertainty,
            "estimate": self.estimate,
        }


class Result(NamedTuple):
    """Rows of one entry, or a flag (then ``rows`` is empty)."""

    rows: tuple[EmissionRow, ...] = ()
    flag: Flag | None = None

    @property
    def ok(self) -> bool:
        return self.flag is None

    @property
    def kg(self) -> Decimal:
        return sum((r.kg for r in self.rows), Decimal(0))

    @staticmethod
    def flagged(reason: FlagReason, detail: str) -> Result:
        return Result((), Flag(reason, detail))
