"""Rows of a CSV or XLSX file as lists of strings, streamed (no database, no S3).

CSV: UTF-8 with or without BOM, else Latin-1 (decided by a cheap first pass
over the bytes); separator ``,`` ``;`` or tab, sniffed from the header line.
XLSX: the first worksheet through openpyxl's read-only mode. Empty lines are
skipped; numbers and dates from spreadsheets become plain strings.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from co2calc.ingest.errors import UnreadableFile

__all__ = ["FileRows", "detect_format", "open_rows"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


class FileRows:
    """``header`` (list of cells) and ``rows``: iterator of (line number, cells)."""

    def __init__(self, header: list[str], rows: Iterator[tuple[int, list[str]]], info: str):
        self.header = header
        self.rows = rows
        self.info = info  # e.g. "csv utf-8 ';'"


def detect_format(head: bytes, declared: str) -> str:
    if not head:
        raise UnreadableFile("The file is empty.")
    if head.startswith(ZIP_MAGIC):
        if declared != "xlsx":
            raise UnreadableFile("The file is an Excel/ZIP file but was uploaded as CSV.")
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile("Old Excel (.xls) files are not supported: save as .xlsx or CSV.")
    if declared == "xlsx":
        raise UnreadableFile("The file is not an Excel (.xlsx) workbook.")
    pairs = head[:512]
    utf16 = len(pairs) >= 8 and (
        pairs[1::2].count(0) > len(pairs) // 4 >= pairs[0::2].count(0)
        or pairs[0::2].count(0) > len(pairs) // 4 >= pairs[1::2].count(0)
    )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16:
        raise UnreadableFile(
            "The file is UTF-16 encoded: save it as CSV UTF-8 (or Latin-1) and upload again."
        )
    sample = head[:8192]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) // 100:
        raise UnreadableFile("The file is binary, not a CSV text file.")
    return "csv"


def _encoding(path: Path) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8-sig"


def _sniff(line: str) -> str:
    counts = {sep: line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> FileRows:
    encoding = _encoding(path)
    f = path.open("r", encoding=encoding, newline="")
    first = f.readline()
    while first and not first.strip():
        first = f.readline()
    if not first.strip():
        f.close()
        raise UnreadableFile("The file has no header line.")
    sep = _sniff(first)
    f.seek(0)
    reader = csv.reader(f, delimiter=sep)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                if "".join(cells).strip():  # = any(c.strip() for c in cells), cheaper
                    yield reader.line_num, cells
        except csv.Error as exc:
            raise UnreadableFile(f"CSV syntax error near line {reader.line_num}: {exc}") from None
        finally:
            f.close()

    it = rows()
    _, header = next(it)
    return FileRows(header, it, f"csv {encoding} {sep!r}")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path) -> FileRows:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"The Excel file cannot be opened: {exc}") from None
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        wb.close()
        raise UnreadableFile("The Excel file has no worksheet.")

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_cell(v) for v in values]
                if any(c.strip() for c in cells):
                    yield n, cells
        finally:
            wb.close()

    it = rows()
    try:
        _, header = next(it)
    except StopIteration:
        raise UnreadableFile("The worksheet is empty.") from None
    return FileRows(header, it, "xlsx")


def open_rows(path: Path, declared: str) -> FileRows:
    """Rows of the file at ``path``; ``declared`` is ``csv`` or ``xlsx`` (the key's suffix)."""
    with path.open("rb") as f:
        head: bytes = f.read(65536)
    fmt = detect_format(head, declared)
    return _xlsx_rows(path) if fmt == "xlsx" else _csv_rows(path)


def copy_to(src: BinaryIO, dst: BinaryIO, limit: int) -> int:
    n = 0
    while chunk := src.read(1 << 20):
        n += len(chunk)
        if n > limit:
            from co2calc.ingest.errors import FileTooLarge

            raise FileTooLarge(f"The file is larger than the {limit // (1024 * 1024)} MB limit.")
        dst.write(chunk)
    return n
