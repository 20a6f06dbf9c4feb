"""Scheduled refresh of reference data from external sources (ECB FX rates, euro-area HICP)."""

from co2calc.refresh.breaker import BreakerState, CircuitBreaker, MemoryBreakerStore
from co2calc.refresh.ecb import EcbClient, annual_means, parse_sdmx_csv
from co2calc.refresh.errors import (
    CircuitOpenError,
    RefreshError,
    SourceError,
    SourceFormatError,
    SourceRejected,
    SourceUnavailable,
)
from co2calc.refresh.service import MONEY_MODULES, DbBreakerStore, affected_years, run_refresh
from co2calc.refresh.settings import RefreshSettings, get_refresh_settings

__all__ = [
    "MONEY_MODULES",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpenError",
    "DbBreakerStore",
    "EcbClient",
    "MemoryBreakerStore",
    "RefreshError",
    "RefreshSettings",
    "SourceError",
    "SourceFormatError",
    "SourceRejected",
    "SourceUnavailable",
    "affected_years",
    "annual_means",
    "get_refresh_settings",
    "parse_sdmx_csv",
    "run_refresh",
]
