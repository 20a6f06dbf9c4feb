"""equipment: kWh from the power table × electricity factor (spec §4.4 worked example)."""

from __future__ import annotations

from decimal import Decimal

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2074


def test_desktop_440_kwh(open_year, lab, entries, shipped_factor, reference_csv):
    open_year(YEAR)
    principal = entries(PRINCIPAL, "equipment", lab, YEAR)
    power = next(p for p in reference_csv("equipment_power.csv") if p["class"] == "Desktop")
    active, standby = Decimal("84.77"), Decimal("83.23")
    kwh = (Decimal(power["active_w"]) * active + Decimal(power["standby_w"]) * standby) * 52 / 1000
    assert abs(kwh - 440) < Decimal("0.01")  # ≈ 440 kWh
    r = principal.create(
        "it",
        {
            "inventory_id": "INV-1",
            "name": "Workstation",
            "cls": "Desktop",
            "active_hours_week": str(active),
            "standby_hours_week": str(standby),
        },
    )
    assert r.status_code == 201, r.text
    kg = Decimal(r.json()["kg_co2e"])
    assert kg == kwh * shipped_factor("energy.electricity")
    assert round(kg, 1) == Decimal("42.7")  # 440 kWh × 0.097
    explain = principal.caller.get(principal.url("it", r.json()["id"], "/explain")).json()
    assert explain["module"] == "equipment" and Decimal(explain["result"]["kg"]) == kg


def test_unknown_class_flagged_and_hours_validated(open_year, lab, entries):
    open_year(YEAR)
    principal = entries(PRINCIPAL, "equipment", lab, YEAR)
    r = principal.create("scientific", {"inventory_id": "X", "name": "Thing", "cls": "Warp drive"})
    assert r.status_code == 201
    assert r.json()["flag"]["reason"] == "unknown_equipment_class"
    bad = principal.create(
        "scientific",
        {"inventory_id": "Y", "name": "T", "cls": "Desktop", "active_hours_week": 100,
         "standby_hours_week": 100},
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "data"
    assert principal.list("scientific", sort="-kg_co2e").status_code == 200
    assert principal.list("scientific", cls="Warp drive").json()["total"] == 1
