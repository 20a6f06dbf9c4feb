"""Read factor sets from CSV or XLSX, and the shipped default sets.

Files have one header row with the columns of :data:`co2calc.factors.parse.COLUMNS`.
Readers only turn cells into strings; all validation is in
:func:`co2calc.factors.parse.parse_factor_rows`, so both formats fail the same way.
The shipped sets live in ``co2calc/data/factors/`` with a ``manifest.json``
naming each year's file, version and GWP set.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

from co2calc.factors.errors import FactorSetNotFoundError
from co2calc.factors.model import Factor, FactorSet
from co2calc.factors.parse import COLUMNS, parse_factor_rows

__all__ = [
    "factor_row",
    "factor_set_to_csv",
    "load_factor_csv",
    "load_factor_xlsx",
    "load_shipped_factor_set",
    "shipped_years",
]


def load_factor_csv(
    source: str | Path, *, version: str, year: int, gwp_set: str = "AR5"
) -> FactorSet:
    """Load a CSV file (a ``Path``) or CSV text (a ``str``, never read as a file name).

    A string is always content: text that came from a user can never make this
    function open a file on the server.
    """
    text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return parse_factor_rows(
        rows, version=version, year=year, gwp_set=gwp_set, header=reader.fieldnames or []
    )


def load_factor_xlsx(
    source: str | Path | bytes, *, version: str, year: int, gwp_set: str = "AR5"
) -> FactorSet:
    """Load the first worksheet of an XLSX workbook (path or bytes)."""
    from openpyxl import load_workbook  # lazy: only uploads of .xlsx need it

    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        cells = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not cells:
        return parse_factor_rows([], version=version, year=year, gwp_set=gwp_set, header=[])
    header = ["" if c is None else str(c).strip() for c in cells[0]]
    rows = [
        {h: _cell(v) for h, v in zip(header, line, strict=False) if h}
        for line in cells[1:]
        if any(v not in (None, "") for v in line)
    ]
    return parse_factor_rows(
        rows, version=version, year=year, gwp_set=gwp_set, header=[h for h in header if h]
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # shortest round-tripping text, no binary noise
    return str(value)


def _manifest() -> dict[str, dict[str, str]]:
    text = resources.files("co2calc.data.factors").joinpath("manifest.json").read_text("utf-8")
    return json.loads(text)["sets"]


def shipped_years() -> list[int]:
    return sorted(int(y) for y in _manifest())


def load_shipped_factor_set(year: int) -> FactorSet:
    """The default factor set shipped for ``year``."""
    entry = _manifest().get(str(year))
    if entry is None:
        raise FactorSetNotFoundError(f"no shipped factor set for {year}")
    text = resources.files("co2calc.data.factors").joinpath(entry["file"]).read_text("utf-8")
    return load_factor_csv(text, version=entry["version"], year=year, gwp_set=entry["gwp_set"])


def factor_row(factor: Factor) -> dict[str, str]:
    """One factor as the loader's columns, every value a string."""
    row: dict[str, str] = {}
    for c in COLUMNS:
        v = getattr(factor, c, "")
        if v is None:
            row[c] = ""
        elif isinstance(v, Decimal):
            row[c] = format(v, "f")
        elif hasattr(v, "value"):
            row[c] = v.value
        else:
            row[c] = str(v)
    return row


def factor_set_to_csv(factor_set: FactorSet) -> str:
    """Serialise a set in the loader's format (round-trips through ``load_factor_csv``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for f in factor_set.factors:
        writer.writerow(factor_row(f))
    return out.getvalue()
