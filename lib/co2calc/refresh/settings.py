"""Refresh settings (``CO2CALC_ECB_URL`` …): part of ``co2calc.settings.Settings``."""

from __future__ import annotations

from co2calc.settings import Settings, get_settings

__all__ = ["RefreshSettings", "get_refresh_settings"]

RefreshSettings = Settings
get_refresh_settings = get_settings
