"""Typed settings, read once from the environment (and ``.env`` locally).

Every variable is prefixed ``CO2CALC_``; e.g. ``CO2CALC_DATABASE_URL``.
Secrets (database password, OIDC client secret, S3 keys) come from the
environment or a Kubernetes Secret, never from the repository.
"""

from __future__ import annotations

from functools import cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CO2CALC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Which function this process serves (set by the image / the dev gateway).
    function_name: str = "dev"

    # PostgreSQL
    database_url: SecretStr = SecretStr("postgresql://co2calc@127.0.0.1:54329/co2calc")
    # Container concurrency = gunicorn threads = pool size (architecture §5).
    threads: int = Field(default=8, ge=1, le=256)
    db_pool_min: int = Field(default=0, ge=0, le=1)
    # None = threads; more when a request holds two connections at once (an import's
    # write transaction and its progress updates)
    db_pool_max: int | None = Field(default=None, ge=1, le=512)
    db_connect_timeout_s: float = 5.0
    db_statement_timeout_ms: int = 30_000
    # The role queries run as (SET ROLE): not superuser, not BYPASSRLS, so RLS applies.
    db_role: str = "co2calc_app"

    # S3
    s3_endpoint_url: str | None = "http://127.0.0.1:8333"
    s3_public_endpoint_url: str | None = None  # what browsers use for presigned posts
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr = SecretStr("co2calc-dev")
    s3_secret_access_key: SecretStr = SecretStr("co2calc-dev-secret")
    uploads_bucket: str = "co2calc-uploads"

    # Public URL of the SPA + API (same origin); used for OIDC redirects.
    public_url: str = "http://127.0.0.1:8080"
    cookie_secure: bool = True
    session_idle_minutes: int = 60
    session_absolute_hours: int = 12

    # OIDC / Entra ID
    # Entra: https://login.microsoftonline.com/<tenant>; generic OIDC: the issuer URL
    oidc_authority: str = ""
    oidc_generic: bool = True  # False: Entra authority; True: generic OIDC issuer
    oidc_client_id: str = "co2calc"
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_allowed_tenants: list[str] = []  # empty = only the configured issuer
    oidc_ca_bundle: str | None = None  # CA file to trust for the issuer (tests)
    oidc_scopes: list[str] = ["email"]
    # ID token claim carrying the institutional person id (Entra: e.g. employeeid)
    oidc_person_id_claim: str = "person_id"
    oidc_clock_skew_s: int = Field(default=120, ge=0, le=600)
    oidc_jwks_ttl_s: int = Field(default=3600, ge=60)
    oidc_http_timeout_s: float = 10.0
    oidc_login_flow_minutes: int = Field(default=10, ge=1, le=60)
    # Bind a login flow to the browser that started it (a SameSite=None cookie);
    # on by default when cookies are Secure (required for SameSite=None).
    oidc_bind_browser: bool | None = None

    # Directory provider for units and roles
    directory_provider: str = "file"  # file | http
    directory_file: str = ""
    directory_url: str = ""
    directory_timeout_s: float = 10.0
    directory_retries: int = Field(default=3, ge=0, le=10)
    directory_backoff_s: float = 0.5
    directory_bearer_token: SecretStr = SecretStr("")
    # Refuse a snapshot removing more than this share of the directory roles...
    directory_max_role_removal: float = Field(default=0.5, ge=0, le=1)
    directory_force: bool = False  # ... unless forced
    directory_sync_on_login: bool = False  # refresh roles at sign-in (failures are logged)

    # Imports (uploads function and ingest)
    upload_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1)  # presigned POST limit
    upload_url_expires_s: int = Field(default=900, ge=60, le=7 * 24 * 3600)
    import_max_rows: int = Field(default=200_000, ge=1)  # data rows per file
    import_lease_minutes: float = Field(default=15, gt=0)  # in-progress deadline
    import_batch_rows: int = Field(default=5_000, ge=1)  # rows per COPY batch
    import_workers: int = Field(default=2, ge=0, le=64)  # chunk worker processes; 0 = a thread
    import_max_reported_errors: int = Field(default=10_000, ge=1)  # lines in errors.csv
    s3_proxy_prefix: str = "/s3"  # same-origin path of the object store for browsers

    # Reference data refresh (ECB exchange rates and HICP)
    ecb_url: str = "https://data-api.ecb.europa.eu/service/data"
    ecb_timeout_s: float = Field(default=10.0, gt=0, le=120)
    ecb_retries: int = Field(default=3, ge=0, le=10)  # after the first attempt
    ecb_backoff_s: float = Field(default=1.0, ge=0, le=60)  # 1, 2, 4 … seconds
    ecb_breaker_failures: int = Field(default=3, ge=1, le=100)  # consecutive failed runs
    ecb_breaker_open_minutes: float = Field(default=60.0, ge=0, le=7 * 24 * 60)
    refresh_start_year: int = Field(default=2015, ge=1999, le=2100)

    # Travel: flights shorter than this (great circle) show the train alternative
    train_alternative_km: float = Field(default=1000, ge=0, le=20000)

    log_level: str = "INFO"


@cache
def get_settings() -> Settings:
    return Settings()
