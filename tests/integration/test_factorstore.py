"""Stored factor sets and the calculation context built from the database."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from co2calc.db import transaction
from co2calc.factors import load_shipped_factor_set
from co2calc.factorstore import active_factor_set, calc_context, store_factor_set


def test_store_round_trip_and_context_cache(pg):
    shipped = load_shipped_factor_set(2024)
    with transaction(all_units=True) as conn:
        assert active_factor_set(conn, 2024).version == shipped.version  # default: shipped
        store_factor_set(conn, shipped, source_name="shipped")
        stored = active_factor_set(conn, 2024)
        assert stored.by_key() == shipped.by_key()  # every column survives the round trip
        ctx = calc_context(conn, 2024)
        assert calc_context(conn, 2024) is ctx  # cached while nothing changed
        assert ctx.version == shipped.version
        assert "GVA" in ctx.airports
        conn.execute(
            "insert into room (building, room, surface_m2, room_type)"
            " values ('GC', 'A1 234', 25.5, 'office')"
        )
        ctx2 = calc_context(conn, 2024)
        assert ctx2 is not ctx and ctx2.rooms[("GC", "A1 234")].surface_m2 == Decimal("25.5")
        raise psycopg.Rollback()  # leave the shared test database as it was
