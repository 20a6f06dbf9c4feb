"""purchases: spend converted with ECB rates and HICP-deflated (reference CSVs), by hand."""

from __future__ import annotations

from decimal import Decimal

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2025  # shipped factors and the year's ECB and HICP data
SUPPLIER = "Entries Test Supplier AG"


def test_spend_and_centralised_by_hand(open_year, lab, entries, shipped_factor, reference_csv):
    open_year(YEAR)
    principal = entries(PRINCIPAL, "purchases", lab, YEAR)
    fx = next(
        Decimal(r["units_per_eur"])
        for r in reference_csv("ecb_fx_annual.csv")
        if r["year"] == "2025" and r["currency"] == "CHF"
    )
    hicp = {
        int(r["year"]): Decimal(r["index_2015_100"]) for r in reference_csv("hicp_ea_annual.csv")
    }
    r = principal.create(
        "consumables",
        {"item": "Pipettes", "supplier": SUPPLIER, "amount": 1000, "currency": "CHF",
         "purchase_code": "41100000", "nacres_code": "NB01"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    # base year of the NACRES factor: 2019 (Labos 1point5), per the shipped CSV
    expected = Decimal(1000) / fx * hicp[2019] / hicp[2025] * shipped_factor("spend.nacres.NB01")
    assert abs(Decimal(r.json()["kg_co2e"]) - expected) < Decimal("0.000001")

    unknown = principal.create(
        "services",
        {"item": "Mystery", "supplier": SUPPLIER, "amount": 10, "currency": "EUR",
         "purchase_code": "1234"},
    )  # fmt: skip
    assert unknown.status_code == 201
    assert unknown.json()["flag"]["reason"] == "no_matching_factor"

    ln2 = principal.create("centralised", {"item": "liquid_nitrogen", "quantity": 100, "unit": "L"})
    assert ln2.status_code == 201, ln2.text
    assert Decimal(ln2.json()["kg_co2e"]) == 100 * shipped_factor(
        "central.liquid_nitrogen.L"
    ) * shipped_factor("central.liquid_nitrogen")

    mine = principal.list("consumables", supplier=SUPPLIER).json()
    assert mine["total"] == 1 and mine["totals"]["count"] == 1
