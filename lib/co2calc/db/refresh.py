"""SQL for refreshed reference data (ECB FX rates, euro-area HICP) and breaker state."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from psycopg import Connection

__all__ = [
    "breaker_load",
    "breaker_save",
    "reporting_years",
    "stored_fx",
    "stored_hicp",
    "upsert_fx",
    "upsert_hicp",
]


def stored_fx(conn: Connection) -> dict[tuple[int, str], Decimal]:
    return {
        (r["year"], r["currency"]): r["units_per_eur"]
        for r in conn.execute("select year, currency, units_per_eur from fx_rate").fetchall()
    }


def stored_hicp(conn: Connection) -> dict[int, Decimal]:
    return {r["year"]: r["index"] for r in conn.execute("select year, index from hicp").fetchall()}


def upsert_fx(
    conn: Connection, values: Mapping[tuple[int, str], Decimal], source: str
) -> list[tuple[int, str]]:
    """Store every fetched rate (``retrieved_at`` = now); returns the keys whose value changed."""
    rows = conn.execute(
        "insert into fx_rate (year, currency, units_per_eur, source)"
        " select * from unnest(%s::int[], %s::text[], %s::numeric[], %s::text[])"
        " on conflict (year, currency) do update set retrieved_at = now(),"
        " source = excluded.source, units_per_eur = excluded.units_per_eur,"
        " changed_at = case when fx_rate.units_per_eur = excluded.units_per_eur"
        " then fx_rate.changed_at else now() end"
        " returning year, currency, changed_at = now() as changed",
        (
            [y for y, _ in values],
            [c for _, c in values],
            list(values.values()),
            [source] * len(values),
        ),
    ).fetchall()
    return [(r["year"], r["currency"]) for r in rows if r["changed"]]


def upsert_hicp(
    conn: Connection, values: Mapping[int, Decimal], base: str, source: str
) -> list[int]:
    rows = conn.execute(
        "insert into hicp (year, index, base, source)"
        " select y, v, %s, %s from unnest(%s::int[], %s::numeric[]) as t(y, v)"
        " on conflict (year) do update set retrieved_at = now(), source = excluded.source,"
        " index = excluded.index, base = excluded.base,"
        " changed_at = case when hicp.index = excluded.index"
        " then hicp.changed_at else now() end"
        " returning year, changed_at = now() as changed",
        (base, source, list(values), list(values.values())),
    ).fetchall()
    return [r["year"] for r in rows if r["changed"]]


def reporting_years(conn: Connection) -> list[int]:
    return [r["year"] for r in conn.execute("select year from reporting_year order by year")]


def breaker_load(conn: Connection, name: str) -> tuple[int, datetime | None]:
    row = conn.execute(
        "select failures, open_until from circuit_breaker where name = %s", (name,)
    ).fetchone()
    return (0, None) if row is None else (row["failures"], row["open_until"])


def breaker_save(
    conn: Connection, name: str, failures: int, open_until: datetime | None, error: str | None
) -> None:
    conn.execute(
        "insert into circuit_breaker (name, failures, open_until, last_error)"
        " values (%s, %s, %s, %s) on conflict (name) do update set failures = excluded.failures,"
        " open_until = excluded.open_until,"
        " last_error = coalesce(excluded.last_error, circuit_breaker.last_error),"
        " updated_at = now()",
        (name, failures, open_until, error),
    )
