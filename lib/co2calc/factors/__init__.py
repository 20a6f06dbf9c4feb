"""Factor sets: versioned emission factors with provenance, loaders, bounds and diffs."""

from co2calc.factors.diff import FactorChange, FactorDiff, diff_factor_sets
from co2calc.factors.errors import (
    CalcError,
    EngineError,
    EntryTypeError,
    FactorIssue,
    FactorSetError,
    FactorSetNotFoundError,
    FactorValidationError,
    UnknownSubmoduleError,
)
from co2calc.factors.io import (
    factor_row,
    factor_set_to_csv,
    load_factor_csv,
    load_factor_xlsx,
    load_shipped_factor_set,
    shipped_years,
)
from co2calc.factors.model import ElectricityMix, Factor, FactorKey, FactorSet, NonCO2
from co2calc.factors.money import CURRENCIES, Currency, MissingRate, deflate_eur, to_eur
from co2calc.factors.parse import COLUMNS, parse_factor_rows

__all__ = [
    "COLUMNS",
    "CURRENCIES",
    "CalcError",
    "Currency",
    "ElectricityMix",
    "EngineError",
    "EntryTypeError",
    "Factor",
    "FactorChange",
    "FactorDiff",
    "FactorIssue",
    "FactorKey",
    "FactorSet",
    "FactorSetError",
    "FactorSetNotFoundError",
    "FactorValidationError",
    "MissingRate",
    "NonCO2",
    "UnknownSubmoduleError",
    "deflate_eur",
    "diff_factor_sets",
    "factor_row",
    "factor_set_to_csv",
    "load_factor_csv",
    "load_factor_xlsx",
    "load_shipped_factor_set",
    "parse_factor_rows",
    "shipped_years",
    "to_eur",
]
