"""process-emissions: kg × GWP100 of the factor set's GWP rows, by hand."""

from __future__ import annotations

from decimal import Decimal

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2076


def test_refrigerant_by_hand(open_year, lab, entries, shipped_factor):
    open_year(YEAR)
    principal = entries(PRINCIPAL, "process-emissions", lab, YEAR)
    r = principal.create("gas", {"gas": "R410A", "kg_emitted": 2})
    assert r.status_code == 201, r.text
    assert Decimal(r.json()["kg_co2e"]) == 2 * shipped_factor("gwp.AR5.R410A")
    assert r.json()["emissions"][0]["scope"] == 1
    unknown = principal.create("gas", {"gas": "UNOBTAINIUM", "kg_emitted": 1})
    assert unknown.status_code == 201 and unknown.json()["flag"] is not None
    listed = principal.list("gas", sort="-kg_emitted").json()
    assert [i["data"]["gas"] for i in listed["items"]] == ["R410A", "UNOBTAINIUM"]
    assert Decimal(listed["totals"]["kg_co2e"]) == 2 * shipped_factor("gwp.AR5.R410A")
