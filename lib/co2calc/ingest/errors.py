"""Why an import stops.

    IngestError
    ├── InputError              deterministic: the job fails, the event is acknowledged
    │   ├── FileTooLarge        object over the upload limit
    │   ├── TooManyRows         more data rows than the import limit
    │   ├── UnreadableFile      empty, binary, UTF-16, not the declared format, broken XLSX
    │   ├── BadHeader           missing / unknown / renamed / duplicated columns
    │   ├── InvalidRows         some rows are invalid (all-or-nothing mode)
    │   └── NotImportable       no report for the unit-year, report signed off, unknown job

A redelivery while another run holds the job's lease is acknowledged (that run
finishes it; if it dies, the maintenance function re-drives the job once the
lease has expired). Anything else (database, object store, bugs) propagates too, after the job is
released to ``pending`` so a redelivery can run it again.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "BadHeader",
    "FileTooLarge",
    "IngestError",
    "InputError",
    "InvalidRows",
    "NotImportable",
    "RowError",
    "TooManyRows",
    "UnreadableFile",
]


class RowError(tuple):
    """(row, column, value, message); ``row`` counts from 1 = the header line."""

    __slots__ = ()

    def __new__(cls, row: int, column: str, value: str, message: str) -> RowError:
        return super().__new__(cls, (row, column, value, message))

    def __getnewargs__(self) -> tuple[int, str, str, str]:  # pickled by the chunk workers
        return tuple(self)  # type: ignore[return-value]

    row = property(lambda self: self[0])
    column = property(lambda self: self[1])
    value = property(lambda self: self[2])
    message = property(lambda self: self[3])


class IngestError(Exception):
    slug: ClassVar[str] = "ingest"

    def __init__(self, detail: str, *, errors: list[RowError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def as_dict(self) -> dict[str, str]:
        return {"type": self.slug, "detail": self.detail}


class InputError(IngestError):
    slug = "invalid-input"


class FileTooLarge(InputError):
    slug = "file-too-large"


class TooManyRows(InputError):
    slug = "too-many-rows"


class UnreadableFile(InputError):
    slug = "unreadable-file"


class BadHeader(InputError):
    slug = "bad-header"


class InvalidRows(InputError):
    slug = "invalid-rows"


class NotImportable(InputError):
    slug = "not-importable"
