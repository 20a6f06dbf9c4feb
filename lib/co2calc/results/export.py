"""CSV and XLSX tables for downloads, neutralising spreadsheet formula injection.

A text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage
return) is prefixed with a single quote so spreadsheet programs show it as
text instead of evaluating it (OWASP "CSV injection"). Numbers stay numbers.
CSV is UTF-8 with a BOM (Excel detects the encoding); openpyxl is imported
only when an XLSX is produced.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["CSV_MIME", "XLSX_MIME", "safe_cell", "to_csv", "to_xlsx"]

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

type Table = tuple[Sequence[str], Iterable[Sequence[Any]]]


def safe_cell(value: Any) -> Any:
    """A cell value safe for spreadsheets: risky text quoted, Decimal→float kept numeric."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_DANGEROUS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: dict[str, Table]) -> bytes:
    from openpyxl import Workbook  # lazy: heavy, only for downloads

    wb = Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append([safe_cell(h) for h in header])
        for row in rows:
            ws.append([float(v) if isinstance(v, Decimal) else v for v in map(safe_cell, row)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
