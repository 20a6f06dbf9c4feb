"""Errors of the refresh job.

RefreshError
└── SourceError              a source gave no usable data
    ├── SourceUnavailable    transport error, timeout or 5xx/429 after the retries
    ├── SourceRejected       a 4xx answer (wrong key, moved API): retrying cannot help
    ├── SourceFormatError    the answer is not the SDMX-CSV we expect
    └── CircuitOpenError     the breaker is open: the source was not asked
"""

from __future__ import annotations

from datetime import datetime

__all__ = [
    "CircuitOpenError",
    "RefreshError",
    "SourceError",
    "SourceFormatError",
    "SourceRejected",
    "SourceUnavailable",
]


class RefreshError(Exception):
    pass


class SourceError(RefreshError):
    def __init__(self, message: str, *, source: str) -> None:
        super().__init__(message)
        self.source = source


class SourceUnavailable(SourceError):
    pass


class SourceRejected(SourceError):
    def __init__(self, message: str, *, source: str, status_code: int) -> None:
        super().__init__(message, source=source)
        self.status_code = status_code


class SourceFormatError(SourceError):
    pass


class CircuitOpenError(SourceError):
    def __init__(self, message: str, *, source: str, open_until: datetime) -> None:
        super().__init__(message, source=source)
        self.open_until = open_until
