"""Seeding for recalculation tests: a test year, two units, entries of several modules."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from psycopg.types.json import Jsonb

from co2calc.db import transaction
from co2calc.db import years as years_sql
from co2calc.factors import FactorSet, load_shipped_factor_set
from co2calc.factorstore import store_factor_set
from co2calc.modules import MODULES

UNITS = ("ENAC-CLIM-LAB1", "SB-ENER-LAB1")

PLANE = {"origin": "GVA", "destination": "LHR", "trips": 2, "round_trip": True}
LONG_HAUL = {"origin": "GVA", "destination": "JFK", "cabin_class": "business"}
TRAIN = {
    "origin_name": "Genève",
    "origin_country": "CH",
    "destination_name": "Zürich HB",
    "destination_country": "CH",
}
PURCHASE = {"item": "pipettes", "amount": "1234.50", "currency": "CHF", "purchase_code": "41100000"}
EQUIPMENT = {"inventory_id": "O1", "name": "scope", "cls": "Oscilloscopes"}
CLOUD = {"provider": "aws", "service_type": "compute", "amount": "500", "currency": "EUR"}
SEED_ENTRIES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("travel", "plane", PLANE),
    ("travel", "plane", LONG_HAUL),
    ("travel", "train", TRAIN),
    ("purchases", "other", PURCHASE),
    ("equipment", "scientific", EQUIPMENT),
    ("cloud-ai", "cloud", CLOUD),
)


@pytest.fixture
def factor_set_for():
    return _factor_set_for


@pytest.fixture
def emission_rows():
    return _emission_rows


def _factor_set_for(year: int, version: str, plane_scale: Decimal = Decimal(1)) -> FactorSet:
    """The shipped 2025 set moved to ``year``; economy plane bands scaled by ``plane_scale``."""
    shipped = load_shipped_factor_set(2025)
    factors = []
    for f in shipped.factors:
        if f.module == "travel" and f.submodule == "plane" and f.key.startswith("band:"):
            f = dataclasses.replace(f, value=f.value * plane_scale)
        factors.append(f)
    return FactorSet.of(version, year, shipped.gwp_set, factors)


@dataclasses.dataclass
class Seeded:
    year: int
    units: dict[str, int]  # code -> unit id
    reports: dict[str, int]  # code -> report id


@pytest.fixture
def seed_year(demo) -> Callable[[int], Seeded]:
    """``seed_year(year)``: the year with set ``<year>.v1``, FX/HICP rows, entries in two units."""

    def make(year: int) -> Seeded:
        with transaction(all_units=True) as conn:
            years_sql.create_year(conn, year, None, MODULES)
            store_factor_set(conn, _factor_set_for(year, f"{year}.v1"), source_name="test")
            # the year's money values live in the database (refreshed data), not in the CSVs
            conn.execute(
                "insert into fx_rate (year, currency, units_per_eur, source)"
                " values (%s, 'CHF', 0.94, 'test') on conflict do nothing",
                (year,),
            )
            conn.execute(
                "insert into hicp (year, index, source) values (%s, 130.1, 'test')"
                " on conflict do nothing",
                (year,),
            )
            units = {
                r["code"]: r["id"]
                for r in conn.execute(
                    "select id, code from org_unit where code = any(%s)", (list(UNITS),)
                )
            }
            reports = {
                code: conn.execute(
                    "select id from report where unit_id = %s and year = %s", (uid, year)
                ).fetchone()["id"]
                for code, uid in units.items()
            }
            for code, uid in units.items():
                for module, submodule, data in SEED_ENTRIES:
                    insert_entry(conn, reports[code], uid, year, module, submodule, data)
        return Seeded(year, units, reports)

    return make


def insert_entry(
    conn, report_id: int, unit_id: int, year: int, module: str, submodule: str, data: dict
) -> int:
    """An entry row as stored (validated JSON), not yet computed."""
    from co2calc.calc import validate_entry

    stored = validate_entry(module, submodule, data).model_dump(mode="json", exclude_none=True)
    return conn.execute(
        "insert into entry (report_id, unit_id, year, module, submodule, data, source)"
        " values (%s, %s, %s, %s, %s, %s, 'seed') returning id",
        (report_id, unit_id, year, module, submodule, Jsonb(stored)),
    ).fetchone()["id"]


def _emission_rows(year: int) -> dict[tuple[int, str], dict[str, Any]]:
    """(entry id, leaf) -> emission row, with the entry's unit code."""
    with transaction(all_units=True) as conn:
        rows = conn.execute(
            "select m.*, u.code, e.kg_co2e as entry_kg from emission m"
            " join entry e on e.id = m.entry_id join org_unit u on u.id = m.unit_id"
            " where m.year = %s",
            (year,),
        ).fetchall()
    return {(r["entry_id"], r["leaf"]): r for r in rows}
