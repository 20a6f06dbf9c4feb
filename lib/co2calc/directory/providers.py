"""Directory providers behind one interface: ``fetch() -> DirectorySnapshot``.

- ``FileProvider``: a JSON file in the snapshot's shape (local use, demos, tests);
- ``HttpProvider``: a generic JSON/HTTP directory (see README for the mapping
  of an Accred-like API onto it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from co2calc.directory.model import DirectorySnapshot, DirectoryUnavailable
from co2calc.settings import Settings, get_settings

__all__ = ["DirectoryProvider", "FileProvider", "provider_from_settings"]


class DirectoryProvider(Protocol):
    def fetch(self) -> DirectorySnapshot: ...


class FileProvider:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def fetch(self) -> DirectorySnapshot:
        try:
            return DirectorySnapshot.model_validate(json.loads(self.path.read_text("utf-8")))
        except (OSError, ValueError, ValidationError) as exc:
            raise DirectoryUnavailable(f"cannot read directory file {self.path}: {exc}") from exc


def provider_from_settings(settings: Settings | None = None) -> DirectoryProvider:
    settings = settings or get_settings()
    if settings.directory_provider == "file":
        if not settings.directory_file:
            raise DirectoryUnavailable("CO2CALC_DIRECTORY_FILE is not set")
        return FileProvider(settings.directory_file)
    if settings.directory_provider == "http":
        from co2calc.directory.http_provider import HttpProvider

        return HttpProvider(settings.directory_url)
    raise DirectoryUnavailable(f"unknown directory provider {settings.directory_provider!r}")
