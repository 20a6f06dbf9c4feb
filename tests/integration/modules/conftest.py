"""Fixtures for the module data-entry tests: open years, the demo lab, entry URLs.

Expected emissions are computed by hand in the tests from factor values read
straight from the shipped CSV (``shipped_factor``), never from the engine.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "lib" / "co2calc" / "data" / "factors" / "factors-2025.csv"
REFERENCE = ROOT / "lib" / "co2calc" / "data" / "reference"


@pytest.fixture(scope="session")
def shipped_factor() -> Callable[[str], Decimal]:
    """``shipped_factor(factor_id)`` → value of the shipped 2025 CSV row."""
    with SHIPPED.open(encoding="utf-8") as f:
        values = {r["factor_id"]: Decimal(r["value"]) for r in csv.DictReader(f)}
    return values.__getitem__


@pytest.fixture(scope="session")
def reference_csv() -> Callable[[str], list[dict[str, str]]]:
    def read(name: str) -> list[dict[str, str]]:
        with (REFERENCE / name).open(encoding="utf-8") as f:
            return list(csv.DictReader(f))

    return read


@pytest.fixture(scope="session")
def lab(sign_in) -> int:
    """Id of ENAC-CLIM-LAB1 (principal 100002, members 100003 and 100004)."""
    r = sign_in(ADMIN).get("/api/units", params={"q": "ENAC-CLIM-LAB1"})
    return next(u["id"] for u in r.json()["items"] if u["code"] == "ENAC-CLIM-LAB1")


@pytest.fixture(scope="session")
def open_year(sign_in) -> Callable[..., int]:
    """``open_year(year, status='open')``: create the year if needed and set its status.

    Years without a shipped factor set get the shipped 2025 set stored as theirs.
    Until the years API opens years, the status is set with SQL.
    """
    from co2calc import factorstore
    from co2calc.db import transaction
    from co2calc.factors import load_factor_csv, shipped_years

    admin = sign_in(ADMIN)

    def make(year: int, status: str = "open") -> int:
        r = admin.post("/api/years", json={"year": year})
        assert r.status_code in (201, 409), r.text
        with transaction(all_units=True) as conn:
            has_set = conn.execute(
                "select 1 from factor_set where year = %s and active", (year,)
            ).fetchone()
            if year not in shipped_years() and not has_set:
                fs = load_factor_csv(SHIPPED, version=f"{year}.test", year=year, gwp_set="AR5")
                factorstore.store_factor_set(conn, fs, source_name="tests (2025 values)")
            conn.execute("update reporting_year set status = %s where year = %s", (status, year))
        return year

    return make


@dataclass
class Entries:
    """URLs of one module's entries in one report, for one caller."""

    caller: object
    module: str
    unit_id: int
    year: int

    def url(self, submodule: str, entry_id: int | None = None, suffix: str = "") -> str:
        base = f"/api/{self.module}/{self.unit_id}/{self.year}/{submodule}"
        return base + (f"/{entry_id}" if entry_id is not None else "") + suffix

    def create(self, submodule: str, data: dict, **extra):
        return self.caller.post(self.url(submodule), json={"data": data, **extra})

    def list(self, submodule: str, **params):
        return self.caller.get(self.url(submodule), params=params)

    def get(self, submodule: str, entry_id: int):
        return self.caller.get(self.url(submodule, entry_id))

    def update(self, submodule: str, entry_id: int, data: dict, version: int, **extra):
        return self.caller.put(
            self.url(submodule, entry_id), json={"data": data, "version": version, **extra}
        )

    def delete(self, submodule: str, entry_id: int):
        return self.caller.delete(self.url(submodule, entry_id))

    def bulk_delete(self, submodule: str, ids: list[int]):
        return self.caller.post(self.url(submodule, suffix="/bulk-delete"), json={"ids": ids})


@pytest.fixture(scope="session")
def entries(sign_in) -> Callable[..., Entries]:
    """``entries(person_id, module, unit_id, year)`` → an :class:`Entries` helper."""
    callers: dict[str, object] = {}

    def make(person: str, module: str, unit_id: int, year: int) -> Entries:
        if person not in callers:
            callers[person] = sign_in(person)
        return Entries(callers[person], module, unit_id, year)

    return make
