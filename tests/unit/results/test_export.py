"""Exports: formula injection neutralised, files parse back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl

from co2calc.results.export import safe_cell, to_csv, to_xlsx


def test_safe_cell():
    for risky in ("=1+1", "+1", "-2", "@SUM(A1)", "\t=x", "\r=x"):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("plain") == "plain" and safe_cell(-2) == -2
    assert safe_cell(Decimal("1.5")) == Decimal("1.5") and safe_cell(None) == ""
    assert safe_cell(True) == "true"


def test_csv_and_xlsx_round_trip():
    header, rows = ["a", "b"], [["=cmd|' /C calc'!A0", Decimal("2.5")], ["ok", -1]]
    parsed = list(csv.reader(io.StringIO(to_csv(header, rows).decode("utf-8-sig"))))
    assert parsed == [["a", "b"], ["'=cmd|' /C calc'!A0", "2.5"], ["ok", "-1"]]
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx({"t": (header, rows)})))["t"]
    assert list(ws.iter_rows(values_only=True)) == [
        ("a", "b"),
        ("'=cmd|' /C calc'!A0", 2.5),
        ("ok", -1),
    ]
