"""cloud-ai: cloud spend and AI requests by hand; own scope for members."""

from __future__ import annotations

from decimal import Decimal

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2025  # the cloud factor is EUR of 2023: HICP data of the report year is needed


def test_cloud_and_ai_by_hand_and_own_scope(open_year, lab, entries, shipped_factor, reference_csv):
    open_year(YEAR)
    member = entries(MEMBER, "cloud-ai", lab, YEAR)
    colleague = entries(COLLEAGUE, "cloud-ai", lab, YEAR)
    hicp = {
        int(r["year"]): Decimal(r["index_2015_100"]) for r in reference_csv("hicp_ea_annual.csv")
    }
    cloud = member.create(
        "cloud", {"provider": "EntriesTestCloud", "service_type": "compute", "amount": 1000,
                  "currency": "EUR"},
    )  # fmt: skip
    assert cloud.status_code == 201, cloud.text
    expected = Decimal(1000) * hicp[2023] / hicp[2025] * shipped_factor("cloud.default")
    assert abs(Decimal(cloud.json()["kg_co2e"]) - expected) < Decimal("0.000001")
    assert cloud.json()["owner_user_id"] == member.caller.user_id

    ai = member.create(
        "ai", {"provider": "EntriesTestAI", "use": "text", "user_fte": 2, "requests_band": "5-20"}
    )
    assert ai.status_code == 201, ai.text
    assert Decimal(ai.json()["kg_co2e"]) == 2 * Decimal("12.5") * 235 * shipped_factor("ai.text")
    assert len(ai.json()["emissions"]) == 1

    seen = colleague.list("cloud", provider="EntriesTestCloud").json()
    assert seen["total"] == 0  # the colleague sees only their own rows
    assert colleague.get("cloud", cloud.json()["id"]).status_code == 403
    assert colleague.delete("cloud", cloud.json()["id"]).status_code == 403
    principal = entries(PRINCIPAL, "cloud-ai", lab, YEAR)
    assert principal.list("cloud", provider="EntriesTestCloud").json()["total"] == 1
