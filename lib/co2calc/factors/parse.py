"""Validate raw factor rows (strings from CSV/XLSX) into :class:`Factor` objects.

Every row is checked, every problem is collected as a :class:`FactorIssue`
(row, column, message) and, if there is at least one, a single
:class:`FactorValidationError` carries them all: a factor set is loaded whole
or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from co2calc.factors.bounds import MONEY_UNITS, check_value
from co2calc.factors.errors import FactorIssue, FactorValidationError
from co2calc.factors.model import ElectricityMix, Factor, FactorSet, NonCO2

__all__ = ["COLUMNS", "REQUIRED", "parse_factor_rows"]

COLUMNS: tuple[str, ...] = (
    "factor_id",
    "module",
    "submodule",
    "key",
    "value",
    "unit",
    "uncertainty",
    "source",
    "source_table",
    "source_year",
    "gwp_set",
    "non_co2",
    "non_co2_multiplier",
    "electricity_mix",
    "base_year",
    "currency",
    "licence",
    "notes",
)
REQUIRED: frozenset[str] = frozenset(
    {"factor_id", "module", "submodule", "key", "value", "unit", "uncertainty", "source"}
)
GWP_SETS: frozenset[str] = frozenset({"AR4", "AR5", "AR6"})
_MAX_UNCERTAINTY = Decimal(5)


class _Row:
    """Collects issues while reading one row's cells."""

    def __init__(self, number: int, raw: Mapping[str, object], issues: list[FactorIssue]):
        self.number, self.raw, self.issues = number, raw, issues

    def fail(self, column: str, message: str) -> None:
        self.issues.append(FactorIssue(self.number, column, message))

    def text(self, column: str) -> str:
        value = self.raw.get(column)
        text = "" if value is None else str(value).strip()
        if not text and column in REQUIRED:
            self.fail(column, "required")
        return text

    def decimal(self, column: str) -> Decimal | None:
        text = self.text(column).replace("\u2212", "-")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.fail(column, f"not a number: {text!r}")
            return None
        if not value.is_finite():
            self.fail(column, f"not a finite number: {text!r}")
            return None
        return value

    def year(self, column: str) -> int | None:
        text = self.text(column)
        if not text:
            return None
        if not text.isdigit() or not 1900 <= int(text) <= 2100:
            self.fail(column, f"not a year: {text!r}")
            return None
        return int(text)


def _parse_row(row: _Row, default_gwp: str) -> Factor | None:
    before = len(row.issues)
    factor_id, module = row.text("factor_id"), row.text("module")
    submodule, key, unit = row.text("submodule"), row.text("key"), row.text("unit")
    value, unc = row.decimal("value"), row.decimal("uncertainty")
    source = row.text("source")
    gwp = row.text("gwp_set") or default_gwp
    if gwp not in GWP_SETS:
        row.fail("gwp_set", f"unknown GWP set {gwp!r} (expected one of {sorted(GWP_SETS)})")
    non_co2: NonCO2 | None = NonCO2.NOT_APPLICABLE
    if text := row.text("non_co2"):
        try:
            non_co2 = NonCO2(text)
        except ValueError:
            row.fail("non_co2", f"expected included, multiplier or not_applicable, got {text!r}")
            non_co2 = None
    multiplier = row.decimal("non_co2_multiplier")
    if non_co2 is NonCO2.MULTIPLIER:
        if multiplier is None or not Decimal(1) <= multiplier <= Decimal(5):
            row.fail("non_co2_multiplier", "a multiplier in [1, 5] is required")
    elif multiplier is not None:
        row.fail("non_co2_multiplier", "only allowed when non_co2 is 'multiplier'")
    mix: ElectricityMix | None = None
    if text := row.text("electricity_mix"):
        try:
            mix = ElectricityMix(text)
        except ValueError:
            allowed = ", ".join(m.value for m in ElectricityMix)
            row.fail("electricity_mix", f"expected one of {allowed}, got {text!r}")
    base_year, source_year = row.year("base_year"), row.year("source_year")
    currency = row.text("currency") or None
    if unit in MONEY_UNITS:
        if currency != unit.removeprefix("kg/"):
            row.fail("currency", f"must be {unit.removeprefix('kg/')} for unit {unit}")
        if base_year is None:
            row.fail("base_year", "required for money-based factors")
    elif currency is not None:
        row.fail("currency", "only allowed for money-based units (kg/EUR, kg/CHF, ...)")
    if unc is not None and not Decimal(0) <= unc <= _MAX_UNCERTAINTY:
        row.fail("uncertainty", f"relative uncertainty must be in [0, {_MAX_UNCERTAINTY}]")
    if value is not None and unit:
        for column, message in check_value(module, submodule, unit, value):
            row.fail(column, message)
    if len(row.issues) > before or value is None or unc is None or non_co2 is None:
        return None
    return Factor(
        factor_id=factor_id,
        module=module,
        submodule=submodule,
        key=key,
        value=value,
        unit=unit,
        uncertainty=unc,
        source=source,
        source_table=row.text("source_table"),
        source_year=source_year,
        gwp_set=gwp,
        non_co2=non_co2,
        non_co2_multiplier=multiplier,
        electricity_mix=mix,
        base_year=base_year,
        currency=currency,
        licence=row.text("licence"),
        notes=row.text("notes"),
    )


def parse_factor_rows(
    rows: Iterable[Mapping[str, object]],
    *,
    version: str,
    year: int,
    gwp_set: str = "AR5",
    header: Iterable[str] | None = None,
) -> FactorSet:
    """Validate all rows and build a :class:`FactorSet`, or raise with every issue.

    ``header`` (when known) is checked for missing required and unknown columns.
    Duplicate ``factor_id`` or match keys are errors on the later row.
    """
    issues: list[FactorIssue] = []
    if header is not None:
        cols = [c.strip() for c in header]
        for missing in sorted(REQUIRED - set(cols)):
            issues.append(FactorIssue(0, missing, "required column missing"))
        for unknown in [c for c in cols if c not in COLUMNS]:
            issues.append(FactorIssue(0, unknown, "unknown column"))
    factors: list[Factor] = []
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple[str, str, str], int] = {}
    for number, raw in enumerate(rows, start=1):
        row = _Row(number, raw, issues)
        factor = _parse_row(row, gwp_set)
        if factor is None:
            continue
        if (first := seen_ids.setdefault(factor.factor_id, number)) != number:
            row.fail("factor_id", f"duplicate factor_id (first on row {first})")
            continue
        if (first := seen_keys.setdefault(factor.match_key, number)) != number:
            row.fail("key", f"duplicate match key {factor.match_key} (first on row {first})")
            continue
        factors.append(factor)
    if issues:
        raise FactorValidationError(issues)
    return FactorSet.of(version, year, gwp_set, factors)
