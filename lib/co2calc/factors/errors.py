"""The calculation engine's exception hierarchy (factors and calc packages).

Computing an entry never raises for bad *data* (unknown airport, no factor…):
that is a :class:`co2calc.calc.result.Flag` on the result, because the entry is
kept and shown to the user. Exceptions are for programming or set-up errors and
for factor files that cannot be accepted::

    EngineError
    ├── FactorSetError                 a factor set cannot be used
    │   ├── FactorValidationError      rows rejected on load; ``.issues`` lists them all
    │   └── FactorSetNotFoundError     no shipped/loaded set for that year
    └── CalcError                      the engine was called wrongly
        ├── UnknownSubmoduleError      ``compute`` got a module/submodule it does not know
        └── EntryTypeError             the entry is not the model registered for it
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CalcError",
    "EngineError",
    "EntryTypeError",
    "FactorIssue",
    "FactorSetError",
    "FactorSetNotFoundError",
    "FactorValidationError",
    "UnknownSubmoduleError",
]


@dataclass(frozen=True, slots=True)
class FactorIssue:
    """One problem in a factor file: 1-based data row (header excluded), column, message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


class EngineError(Exception):
    """Root of every exception raised by ``co2calc.factors`` and ``co2calc.calc``."""


class FactorSetError(EngineError):
    """A factor set cannot be used."""


class FactorValidationError(FactorSetError):
    """A factor file failed validation; nothing was loaded.

    ``issues`` holds *every* problem found (row, column, message), sorted by row.
    """

    def __init__(self, issues: list[FactorIssue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.row, i.column))
        head = "; ".join(f"row {i.row} {i.column}: {i.message}" for i in self.issues[:5])
        more = f" (+{len(self.issues) - 5} more)" if len(self.issues) > 5 else ""
        super().__init__(f"{len(self.issues)} invalid factor row value(s): {head}{more}")


class FactorSetNotFoundError(FactorSetError):
    """No factor set exists for the requested reporting year."""


class CalcError(EngineError):
    """The engine was called with arguments it cannot handle (a bug, not bad data)."""


class UnknownSubmoduleError(CalcError):
    """``compute`` was asked for a module/submodule pair that has no calculator."""


class EntryTypeError(CalcError):
    """The entry passed to ``compute`` is not the model registered for its submodule."""
