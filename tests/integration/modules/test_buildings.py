"""buildings: rooms from the reference room list and combustion, by hand; members refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from co2calc.db import transaction
from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2073
BUILDING = "TEST-ENTRIES-BLD"


@pytest.fixture(scope="module")
def year(open_year) -> int:
    with transaction(all_units=True) as conn:
        conn.execute(
            "insert into room (building, room, surface_m2, room_type, heating_carrier)"
            " values (%s, 'R1', 20, 'office', 'district_heating') on conflict do nothing",
            (BUILDING,),
        )
    return open_year(YEAR)


def test_room_emissions_by_hand(year, lab, entries, shipped_factor):
    principal = entries(PRINCIPAL, "buildings", lab, year)
    r = principal.create("rooms", {"building": BUILDING, "room": "R1", "share": 0.5})
    assert r.status_code == 201, r.text
    body = r.json()
    area = Decimal(20) * Decimal("0.5")
    elec, heat = shipped_factor("energy.electricity"), shipped_factor("energy.district_heating")
    energy = area * (
        shipped_factor("room.office.heating") * heat
        + (
            shipped_factor("room.office.cooling")
            + shipped_factor("room.office.ventilation")
            + shipped_factor("room.office.lighting")
        )
        * elec
    )
    construction = area * sum(
        shipped_factor(f"construction.{c}")
        for c in (
            "new_envelope",
            "new_technical",
            "renovation_envelope",
            "renovation_technical",
            "demolition",
        )
    )
    assert Decimal(body["kg_co2e"]) == energy + construction
    assert len(body["emissions"]) == 9 and body["estimate"] is True

    missing = principal.create("rooms", {"building": BUILDING, "room": "NOPE"})
    assert missing.status_code == 201
    assert missing.json()["flag"]["reason"] == "missing_room"
    assert principal.list("rooms", flagged="false", building=BUILDING).json()["total"] == 1
    assert principal.list("rooms", flagged="true", building=BUILDING).json()["total"] == 1


def test_combustion_by_hand(year, lab, entries, shipped_factor):
    principal = entries(PRINCIPAL, "buildings", lab, year)
    r = principal.create("combustion", {"fuel": "natural_gas", "unit": "kWh", "quantity": 1000})
    assert r.status_code == 201, r.text
    assert Decimal(r.json()["kg_co2e"]) == 1000 * shipped_factor("fuel.natural_gas.kWh")
    assert r.json()["emissions"][0]["scope"] == 1


def test_member_and_officer_cannot_write(year, lab, entries):
    data = {"fuel": "natural_gas", "unit": "kWh", "quantity": 1}
    member = entries(MEMBER, "buildings", lab, year)
    assert member.create("combustion", data).status_code == 403
    assert member.list("combustion").status_code == 403
    officer = entries(OFFICER, "buildings", lab, year)
    assert officer.list("combustion").status_code == 200
    assert officer.create("combustion", data).status_code == 403
