"""Settings of the refresh job (``CO2CALC_ECB_URL`` …), read once from the environment."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["RefreshSettings", "get_refresh_settings"]


class RefreshSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CO2CALC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    ecb_url: str = "https://data-api.ecb.europa.eu/service/data"
    ecb_timeout_s: float = Field(default=10.0, gt=0, le=120)
    ecb_retries: int = Field(default=3, ge=0, le=10)  # after the first attempt
    ecb_backoff_s: float = Field(default=1.0, ge=0, le=60)  # 1, 2, 4 … seconds
    ecb_breaker_failures: int = Field(default=3, ge=1, le=100)  # consecutive failed runs
    ecb_breaker_open_minutes: float = Field(default=60.0, ge=0, le=7 * 24 * 60)
    refresh_start_year: int = Field(default=2015, ge=1999, le=2100)


@cache
def get_refresh_settings() -> RefreshSettings:
    return RefreshSettings()
