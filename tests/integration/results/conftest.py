"""Shared data for the results, reporting and audit tests (real database, real gateway).

Years 2081–2083 (ENAC-CLIM-LAB1) and 2091–2093 (ENAC-CLIM-LAB3) belong to these
tests alone; each gets a stored factor set equal to the shipped 2025 set, and
entries go through ``co2calc.entries.service.create_entry`` (engine + emission
rows + audit), exactly as the entries API writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)

# Shipped 2025 factors used below (lib/co2calc/data/factors/factors-2025.csv):
#   natural gas 0.24 kg/kWh (±10 %), heating oil 0.3243 kg/kWh (±10 %), GWP R134a 1300 (AR5)
#   per FTE, staff: commuting 4000 pkm × 0.06 = 240 kg, food 200 meals × 2.5 = 500 kg,
#                   waste 100 kg × 0.5 = 50 kg          → 790 kg per staff FTE
#   per FTE, students: 2500 × 0.04 = 100, 150 × 2.5 = 375, 50 × 0.5 = 25 → 500 kg per FTE


@dataclass
class Data:
    lab1: int
    lab3: int
    enac: int
    sb_lab: int
    admin_id: int


def _unit_id(conn, code: str) -> int:
    return conn.execute("select id from org_unit where code = %s", (code,)).fetchone()["id"]


def add(conn, unit_id: int, year: int, module: str, submodule: str, data: dict, **kw) -> dict:
    from co2calc.db import reports
    from co2calc.entries.service import create_entry

    report = reports.report_for(conn, unit_id, year)
    return create_entry(conn, report=report, module=module, submodule=submodule, data=data, **kw)


def _gas(kwh) -> dict:
    return {"fuel": "natural_gas", "unit": "kWh", "quantity": kwh}


@pytest.fixture(scope="session")
def results_data(sign_in) -> Data:
    from co2calc import factorstore
    from co2calc.db import transaction
    from co2calc.factors import FactorSet, load_shipped_factor_set

    admin = sign_in(ADMIN)
    for y in (2081, 2082, 2083, 2091, 2092, 2093):
        assert admin.post("/api/years", json={"year": y}).status_code in (201, 409)
    shipped = load_shipped_factor_set(2025)
    with transaction(all_units=True) as conn:
        for y in (2081, 2082, 2083, 2091, 2092, 2093):
            factorstore.store_factor_set(conn, FactorSet.of(f"{y}.1", y, "AR5", shipped.factors))
        d = Data(
            lab1=_unit_id(conn, "ENAC-CLIM-LAB1"),
            lab3=_unit_id(conn, "ENAC-CLIM-LAB3"),
            enac=_unit_id(conn, "ENAC"),
            sb_lab=_unit_id(conn, "SB-ENER-LAB1"),
            admin_id=admin.user_id,
        )
        who = {"actor_id": admin.user_id}
        # 2081: staff FTE 1.0 + 0.5, students 1.0; gas 10,000 kWh; oil 1,000 kWh; 2 kg R134a;
        # one entry that cannot be computed (unknown fuel) and a note that looks like a formula.
        y, u = 2081, d.lab1
        for pid, fte in (("R81-1", 1), ("R81-2", 0.5)):
            member = {"name": f"Member {pid}", "staff_category": "53", "person_id": pid, "fte": fte}
            add(conn, u, y, "headcount", "members", member, **who)
        add(conn, u, y, "headcount", "students", {"fte": 1}, **who)
        add(conn, u, y, "buildings", "combustion", _gas(10000), note='=HYPERLINK("x")', **who)
        oil = {"fuel": "heating_oil", "unit": "kWh", "quantity": 1000}
        add(conn, u, y, "buildings", "combustion", oil, **who)
        add(conn, u, y, "process-emissions", "gas", {"gas": "R134a", "kg_emitted": 2}, **who)
        odd = {"fuel": "unobtainium", "unit": "kWh", "quantity": 5}
        add(conn, u, y, "buildings", "combustion", odd, **who)
        # 2082: staff FTE 1.0 + 1.0, students 1.0; gas 12,000 kWh; oil 1,000 kWh; 1 kg R134a.
        y = 2082
        for pid in ("R82-1", "R82-2"):
            member = {"name": f"Member {pid}", "staff_category": "54", "person_id": pid, "fte": 1}
            add(conn, u, y, "headcount", "members", member, **who)
        add(conn, u, y, "headcount", "students", {"fte": 1}, **who)
        add(conn, u, y, "buildings", "combustion", _gas(12000), **who)
        add(conn, u, y, "buildings", "combustion", oil, **who)
        add(conn, u, y, "process-emissions", "gas", {"gas": "R134a", "kg_emitted": 1}, **who)
        # 2083: gas 1,000 kWh only (signed off in test_results.py)
        add(conn, u, 2083, "buildings", "combustion", _gas(1000), **who)
        # LAB3: gas 10,000 / 9,000 / 8,000 kWh in 2091–2093 (2,400 / 2,160 / 1,920 kg)
        for y, kwh in ((2091, 10000), (2092, 9000), (2093, 8000)):
            add(conn, d.lab3, y, "buildings", "combustion", _gas(kwh), **who)
    return d
