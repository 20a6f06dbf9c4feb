"""Import limits, read from the environment (``CO2CALC_`` prefix) like ``co2calc.settings``."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ImportSettings", "import_settings"]


class ImportSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CO2CALC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    upload_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1)  # presigned POST limit
    upload_url_expires_s: int = Field(default=900, ge=60, le=7 * 24 * 3600)
    import_max_rows: int = Field(default=200_000, ge=1)  # data rows per file
    import_lease_minutes: float = Field(default=15, gt=0)  # in-progress deadline
    import_batch_rows: int = Field(default=5_000, ge=1)  # rows per COPY batch
    import_max_reported_errors: int = Field(default=10_000, ge=1)  # lines in errors.csv
    s3_proxy_prefix: str = "/s3"  # same-origin path of the object store for browsers


@cache
def import_settings() -> ImportSettings:
    return ImportSettings()
