"""The refresh run: fetch ECB rates and HICP, store them, request recalculation on change.

- Each source call goes through the ``ecb`` circuit breaker (state in the
  database). A failing or open source changes nothing: the stored values (or
  the packaged defaults) keep serving, and the run still succeeds.
- Every fetched value is stored with its retrieval time; a value counts as
  *changed* when it differs from the one calculations used until now (the
  stored value, else the packaged default), so a first run that confirms the
  packaged values requests nothing, and a second identical run is a no-op.
- Changed years map to affected reporting years: the year itself (spend of
  that year is converted at its rate) and every reporting year whose active
  factor set has money factors with that base year (deflation). For each, one
  ``ch.co2calc.recalculation.requested`` event per money module
  (``purchases``, ``cloud-ai``) is published *before* the transaction commits:
  if publishing fails, nothing is stored and the next run sees the change again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from co2calc.db import refresh as sql
from co2calc.db import transaction
from co2calc.obs import log_event
from co2calc.refresh.breaker import BreakerState, CircuitBreaker
from co2calc.refresh.ecb import EcbClient
from co2calc.refresh.errors import SourceError
from co2calc.refresh.settings import RefreshSettings, get_refresh_settings

if TYPE_CHECKING:
    from psycopg import Connection

__all__ = ["MONEY_MODULES", "DbBreakerStore", "affected_years", "run_refresh"]

MONEY_MODULES = ("purchases", "cloud-ai")
FX_SOURCE = "ECB EXR annual average (A.<CUR>.EUR.SP00.A)"
HICP_SOURCE = "ECB ICP M.U2.N.000000.4.INX, annual mean of complete years"

type Publish = Callable[[str, dict[str, Any]], object]


class DbBreakerStore:
    """Breaker state in ``circuit_breaker``, each access its own short transaction."""

    def load(self, name: str) -> BreakerState:
        with transaction(all_units=True) as conn:
            failures, until = sql.breaker_load(conn, name)
        return BreakerState(failures, until)

    def save(self, name: str, state: BreakerState, error: str | None) -> None:
        with transaction(all_units=True) as conn:
            sql.breaker_save(conn, name, state.failures, state.open_until, error)


def _default_publish(event_type: str, data: dict[str, Any]) -> object:
    from co2calc.events import publish

    return publish(event_type, data)


def run_refresh(
    *,
    client: EcbClient | None = None,
    breaker: CircuitBreaker | None = None,
    publish: Publish = _default_publish,
    settings: RefreshSettings | None = None,
) -> dict[str, Any]:
    """One refresh; returns what was fetched, changed and requested."""
    from co2calc.refdata import load_fx_rates, load_hicp
    from co2calc.wiring import RECALC_REQUESTED

    s = settings or get_refresh_settings()
    breaker = breaker or CircuitBreaker(
        "ecb",
        DbBreakerStore(),
        threshold=s.ecb_breaker_failures,
        open_for=timedelta(minutes=s.ecb_breaker_open_minutes),
    )
    own_client = client is None
    client = client or EcbClient(
        s.ecb_url, timeout_s=s.ecb_timeout_s, retries=s.ecb_retries, backoff_s=s.ecb_backoff_s
    )
    packaged_fx = load_fx_rates()
    currencies = sorted({c for _, c in packaged_fx})
    report: dict[str, Any] = {"fx": "ok", "hicp": "ok", "requested": []}
    try:
        fx = _fetch(
            breaker, lambda: client.fx_annual(currencies, s.refresh_start_year), report, "fx"
        )
        hicp = _fetch(breaker, lambda: client.hicp_annual(s.refresh_start_year), report, "hicp")
    finally:
        if own_client:
            client.close()

    with transaction(all_units=True) as conn:
        changed: set[int] = set()
        if fx:
            used = {**packaged_fx, **sql.stored_fx(conn)}
            fx_changed = sorted(k for k, v in fx.items() if used.get(k) != v)
            sql.upsert_fx(conn, fx, FX_SOURCE)
            changed |= {y for y, _ in fx_changed}
            report["fx_values"], report["fx_changed"] = len(fx), [list(k) for k in fx_changed]
        if hicp:
            used_h = {**load_hicp(), **sql.stored_hicp(conn)}
            hicp_changed = sorted(y for y, v in hicp.items() if used_h.get(y) != v)
            sql.upsert_hicp(conn, hicp, "", HICP_SOURCE)
            changed |= set(hicp_changed)
            report["hicp_values"], report["hicp_changed"] = len(hicp), hicp_changed
        for year in affected_years(conn, changed):
            for module in MONEY_MODULES:
                publish(
                    RECALC_REQUESTED,
                    {"year": year, "module": module, "reason": "reference data refreshed"},
                )
                report["requested"].append([year, module])
    log_event("refresh", **{k: v for k, v in report.items() if not k.endswith("_changed")})
    return report


def _fetch(breaker: CircuitBreaker, fn: Callable[[], Any], report: dict, what: str) -> Any:
    try:
        return breaker.call(fn, failure=SourceError)
    except SourceError as exc:  # stored values keep serving
        report[what] = type(exc).__name__
        log_event(
            "refresh source failed; stored values keep serving",
            logging.WARNING,
            what=what,
            error=str(exc),
        )
        return None


def affected_years(conn: Connection, changed: Iterable[int]) -> list[int]:
    """Reporting years whose money conversion uses a changed year's FX or HICP."""
    from co2calc.factors import FactorSetNotFoundError
    from co2calc.factorstore import active_factor_set

    changed = set(changed)
    if not changed:
        return []
    out = []
    for year in sql.reporting_years(conn):
        if year in changed:
            out.append(year)
            continue
        try:
            fs = active_factor_set(conn, year)
        except FactorSetNotFoundError:
            continue
        if any(f.base_year in changed for m in MONEY_MODULES for f in fs.select(m)):
            out.append(year)
    return out
