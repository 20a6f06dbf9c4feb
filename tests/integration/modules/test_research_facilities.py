"""research-facilities: read-only for units, written by admins."""

from __future__ import annotations

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2077


def test_admins_write_units_read(open_year, lab, entries):
    open_year(YEAR)
    data = {"facility": "No such platform", "use": 10, "use_unit": "hours"}
    principal = entries(PRINCIPAL, "research-facilities", lab, YEAR)
    assert principal.create("common", data).status_code == 403
    admin = entries(ADMIN, "research-facilities", lab, YEAR)
    r = admin.create("common", data)
    assert r.status_code == 201, r.text
    assert r.json()["flag"]["reason"] == "unknown_facility"
    assert principal.list("common").json()["total"] == 1
    got = principal.get("common", r.json()["id"])
    assert got.status_code == 200
    assert principal.delete("common", r.json()["id"]).status_code == 403
    assert admin.delete("common", r.json()["id"]).status_code == 204
