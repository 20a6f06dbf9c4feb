"""Import limits: part of ``co2calc.settings.Settings`` (names kept for callers)."""

from __future__ import annotations

from co2calc.settings import Settings, get_settings

__all__ = ["ImportSettings", "import_settings"]

ImportSettings = Settings
import_settings = get_settings
