"""Refresh against a local ECB stand-in: stores, is idempotent, publishes only on change,
keeps serving stored values when the source fails, and opens its circuit breaker."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from co2calc.db import transaction
from co2calc.db import years as years_sql
from co2calc.factorstore import calc_context
from co2calc.modules import MODULES
from co2calc.refresh import (
    CircuitBreaker,
    DbBreakerStore,
    EcbClient,
    RefreshSettings,
    SourceUnavailable,
    run_refresh,
)

YEAR = 2081


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def published():
    events: list[tuple[str, dict]] = []
    return events


@pytest.fixture
def refresh(ecb, published, pg):
    """``refresh(**settings)``: one run against the fixture, its own breaker and clock."""
    clock = Clock()
    name = f"ecb-test-{uuid.uuid4().hex[:6]}"

    def run(**overrides):
        settings = RefreshSettings(
            ecb_url=ecb.url,
            ecb_timeout_s=0.5,
            ecb_retries=1,
            ecb_backoff_s=0.01,
            ecb_breaker_failures=3,
            ecb_breaker_open_minutes=30,
            **overrides,
        )
        breaker = CircuitBreaker(
            name, DbBreakerStore(), threshold=3, open_for=timedelta(minutes=30), clock=clock
        )
        return run_refresh(
            breaker=breaker,
            publish=lambda t, d: published.append((t, d)),
            settings=settings,
        )

    run.clock = clock
    run.breaker_name = name
    return run


@pytest.fixture(scope="module")
def refresh_year(pg, demo):
    with transaction(all_units=True) as conn:
        years_sql.create_year(conn, YEAR, None, MODULES)
    yield YEAR
    with transaction(all_units=True) as conn:  # leave the packaged values serving elsewhere
        conn.execute("delete from fx_rate where year >= 2015 and year <= %s", (YEAR,))
        conn.execute("delete from hicp where year >= 2015 and year <= %s", (YEAR,))


def _stored(year: int):
    with transaction(all_units=True) as conn:
        fx = conn.execute(
            "select units_per_eur, retrieved_at, changed_at from fx_rate"
            " where year = %s and currency = 'CHF'",
            (year,),
        ).fetchone()
        ctx = calc_context(conn, year)
    return fx, ctx


def test_refresh_stores_values_idempotently_and_publishes_only_on_change(
    refresh_year, ecb, refresh, published
):
    # GIVEN the source confirms the packaged values and publishes a new year
    ecb.fx[YEAR, "CHF"] = Decimal("0.9312")
    ecb.hicp[YEAR] = Decimal("141.20")
    # WHEN refresh runs
    report = refresh()
    # THEN everything is stored, and only the new year asks for recalculation
    assert report["fx"] == "ok" and report["hicp"] == "ok"
    assert report["fx_changed"] == [[YEAR, "CHF"]] and report["hicp_changed"] == [YEAR]
    assert published == [
        (
            "ch.co2calc.recalculation.requested",
            {"year": YEAR, "module": "purchases", "reason": "reference data refreshed"},
        ),
        (
            "ch.co2calc.recalculation.requested",
            {"year": YEAR, "module": "cloud-ai", "reason": "reference data refreshed"},
        ),
    ]
    fx, ctx = _stored(YEAR)
    assert fx["units_per_eur"] == Decimal("0.9312")
    assert ctx.fx[YEAR, "CHF"] == Decimal("0.9312") and ctx.hicp[YEAR] == Decimal("141.20")
    assert ctx.fx[2019, "CHF"] == ecb.fx[2019, "CHF"]  # confirmed packaged value

    # WHEN it runs again with the same data THEN nothing is requested, only re-confirmed
    published.clear()
    again = refresh()
    assert again["fx_changed"] == [] and again["hicp_changed"] == [] and published == []
    fx2, _ = _stored(YEAR)
    assert fx2["changed_at"] == fx["changed_at"] and fx2["retrieved_at"] > fx["retrieved_at"]

    # WHEN the source revises the value THEN the year is requested again
    ecb.fx[YEAR, "CHF"] = Decimal("0.9400")
    refresh()
    assert [d["year"] for _, d in published] == [YEAR, YEAR]
    fx3, ctx3 = _stored(YEAR)
    assert fx3["units_per_eur"] == Decimal("0.94") and ctx3.fx[YEAR, "CHF"] == Decimal("0.94")


def test_source_down_keeps_stored_values_and_opens_the_breaker(
    refresh_year, ecb, refresh, published
):
    ecb.fx[YEAR, "CHF"] = Decimal("0.9400")
    refresh()
    published.clear()
    # GIVEN the source answers 500
    ecb.mode = "fail"
    ecb.requests.clear()
    # WHEN refresh runs THEN it retries (1 + 1 attempts per series) and succeeds without changes
    report = refresh()
    assert report["fx"] == "SourceUnavailable" and report["hicp"] == "SourceUnavailable"
    assert len(ecb.requests) == 4 and published == []
    _, ctx = _stored(YEAR)
    assert ctx.fx[YEAR, "CHF"] == Decimal("0.94")  # stored values keep serving
    # WHEN the third consecutive failure happens THEN the breaker opens
    report = refresh()
    assert report["fx"] == "SourceUnavailable" and report["hicp"] == "CircuitOpenError"
    assert len(ecb.requests) == 6  # the HICP call never reached the source
    with transaction(all_units=True) as conn:
        state = conn.execute(
            "select failures, open_until, last_error from circuit_breaker where name = %s",
            (refresh.breaker_name,),
        ).fetchone()
    assert state["failures"] == 3 and state["open_until"] > refresh.clock.now
    assert "HTTP 500" in state["last_error"]
    # WHEN the source recovers but the breaker is still open THEN it is not asked
    ecb.mode = "ok"
    report = refresh()
    assert report["fx"] == "CircuitOpenError" and len(ecb.requests) == 6
    # WHEN the open period has passed THEN a trial call closes it again
    refresh.clock.now += timedelta(minutes=31)
    report = refresh()
    assert report["fx"] == "ok" and report["hicp"] == "ok"
    with transaction(all_units=True) as conn:
        state = conn.execute(
            "select failures, open_until from circuit_breaker where name = %s",
            (refresh.breaker_name,),
        ).fetchone()
    assert state["failures"] == 0 and state["open_until"] is None
    assert published == []  # nothing changed meanwhile


def test_timeouts_are_retried_with_backoff_then_reported(ecb):
    ecb.mode, ecb.delay_s = "slow", 1.0
    waits: list[float] = []
    client = EcbClient(ecb.url, timeout_s=0.2, retries=2, backoff_s=0.05, sleep=waits.append)
    with client, pytest.raises(SourceUnavailable, match="ReadTimeout"):
        client.fx_annual(["CHF"], 2020)
    assert waits == [0.05, 0.1]  # exponential
    assert len(ecb.requests) == 3
