"""Import templates (CSV and XLSX) whose columns are exactly what the importer reads."""

from __future__ import annotations

import csv
import io

from co2calc.ingest.columns import Layout

__all__ = ["template_csv", "template_xlsx"]


def template_csv(lay: Layout) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerow(lay.names)
    return buf.getvalue().encode("utf-8")


def template_xlsx(lay: Layout) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = f"{lay.module}-{lay.submodule}"[:31]
    ws.append(list(lay.names))
    for cell, col in zip(ws[1], lay.columns, strict=True):
        hint = ("required" if col.required else "optional") + f", {col.kind}"
        if col.choices:
            hint += ": " + ", ".join(col.choices)
        cell.comment = Comment(hint, "co2calc")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
