"""One row of cells → a validated engine entry, or its errors (row, column, value, message).

- Empty cells are left out, so the entry model's defaults apply.
- Number columns accept a decimal comma (``1,5``) and thousands separators
  (``1'234.50``, ``1 234,50``, ``1.234,50``).
- Formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or
  carriage return is **rejected** (not neutralised): silently altering a value
  would store something the uploader did not write, and stored text is later
  exported to spreadsheets. The error tells how to fix it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from co2calc.ingest.columns import UNIT_COLUMN, Layout
from co2calc.ingest.errors import RowError

__all__ = ["FORMULA_PREFIXES", "RowValidator"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(?:[.\s\u00a0\u202f'\u2019]\d{3})*,\d+$|^[+-]?\d+,\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:[\s\u00a0\u202f'\u2019,]\d{3})+(?:\.\d+)?$")
_SEPARATORS = re.compile(r"[.\s\u00a0\u202f'\u2019]")


_ANY_SEPARATOR = re.compile(r"[,\s\u00a0\u202f'\u2019]")  # both patterns need one


def _number(value: str) -> str:
    if not _ANY_SEPARATOR.search(value):  # "2", "1234.5": neither pattern can match
        return value
    int_part, comma, frac = value.partition(",")
    # "12,5": _DECIMAL_COMMA's second form (isdecimal = the regex's \d), without the regex
    if comma and int_part.isdecimal() and frac.isdecimal():
        return f"{int_part}.{frac}"
    return _by_patterns(value)


def _by_patterns(value: str) -> str:
    """Decimal comma or thousands separators, by the two patterns (the shortcuts of
    :func:`_number` must agree with this)."""
    if _DECIMAL_COMMA.match(value):
        int_part, frac = value.rsplit(",", 1)
        return _SEPARATORS.sub("", int_part) + "." + frac
    if _THOUSANDS.match(value):
        return re.sub(r"[\s\u00a0\u202f'\u2019,]", "", value)
    return value


class RowValidator:
    def __init__(self, module: str, submodule: str, lay: Layout, header: list[str]) -> None:
        from co2calc.calc import entry_model

        self.model = entry_model(module, submodule)
        # = self.model.model_validate (same defaults), without its per-call wrapper
        self._validate = self.model.__pydantic_validator__.validate_python
        self.lay = lay
        kinds = {c.name: c.kind for c in lay.columns}
        # (cell index, column name, kind) for the columns present in the file
        self.cols = [(i, name, kinds[name]) for i, name in enumerate(header) if name in kinds]

    def validate(self, line: int, cells: list[str]) -> tuple[Any, str | None, list[RowError]]:
        """(entry or None, unit code or None, errors)."""
        data: dict[str, str] = {}
        errors: list[RowError] = []
        unit = None
        n = len(cells)
        for i, name, kind in self.cols:
            value = cells[i].strip() if i < n else ""
            if not value:
                continue
            if kind == "number":
                data[name] = _number(value)
            elif kind != "text":
                data[name] = value
            elif value.startswith(FORMULA_PREFIXES):
                errors.append(
                    RowError(
                        line,
                        name,
                        value,
                        "text may not start with =, +, -, @ (spreadsheet formula);"
                        " remove the leading character",
                    )
                )
            elif name == UNIT_COLUMN:
                unit = value
            else:
                data[name] = value
        if self.lay.institution and unit is None and not errors:
            errors.append(RowError(line, UNIT_COLUMN, "", "the unit code is required"))
        if errors:
            return None, unit, errors
        try:
            return self._validate(data), unit, []
        except ValidationError as exc:
            raw = {  # the cells as written, for the error report
                name: cells[i].strip() for i, name, _ in self.cols if i < n and cells[i].strip()
            }
            for e in exc.errors(include_url=False, include_input=False, include_context=False):
                column = str(e["loc"][0]) if e["loc"] else ""
                msg = e["msg"]
                if e["type"] in ("greater_than_equal", "greater_than") and raw.get(
                    column, ""
                ).startswith("-"):
                    msg = f"negative value not allowed ({msg})"
                errors.append(RowError(line, column, raw.get(column, ""), msg))
            return None, unit, errors
