"""The demo data ``make run`` seeds: every module filled, both years, own-scope rows owned.

Runs ``seed_demo`` against the shared test database (the previous and current
reporting years, as ``make run`` does) and reads the result back through the API.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from co2calc.demo import DEMO_USERS
from co2calc.modules import MODULES

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEARS = (date.today().year - 2, date.today().year - 1)


@pytest.fixture(scope="module")
def seeded(sign_in):
    from co2calc.dev.seed import seed_demo

    sign_in(MEMBER)  # an account that exists before the seed keeps owning its rows
    first = seed_demo(issuer="https://issuer.test", sync_directory=False)
    again = seed_demo(issuer="https://issuer.test", sync_directory=False)
    return first, again


@pytest.fixture(scope="module")
def lab(sign_in) -> int:
    r = sign_in(ADMIN).get("/api/units", params={"q": "ENAC-CLIM-LAB1"})
    return next(u["id"] for u in r.json()["items"] if u["code"] == "ENAC-CLIM-LAB1")


def test_seed_is_idempotent(seeded):
    first, again = seeded
    assert first["entries"] > 0  # other suites may have created the years or other entries
    assert again["entries"] == 0 and again["years_created"] == 0


@pytest.mark.parametrize("year", YEARS)
def test_every_module_has_emissions_in_both_years(seeded, sign_in, lab, year):
    principal = sign_in(PRINCIPAL)
    r = principal.get(f"/api/results/{lab}/{year}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert Decimal(str(body["total"]["kg"])) > 0
    by_module = {m["key"]: Decimal(str(m["kg"])) for m in body["by_module"]}
    missing = [m for m in MODULES if by_module.get(m, 0) <= 0]
    assert not missing, f"modules without emissions in {year}: {missing}"
    assert principal.get(f"/api/years/{year}").json()["status"] == "open"


def test_flagged_rows_show_why(seeded, sign_in, lab):
    principal = sign_in(PRINCIPAL)
    r = principal.get(f"/api/purchases/{lab}/{YEARS[1]}/other")
    assert r.status_code == 200, r.text
    flagged = [e for e in r.json()["items"] if e["flag"]]
    assert flagged and flagged[0]["flag"]["reason"], r.json()["items"]


def test_a_member_sees_own_demo_travel(seeded, sign_in, lab):
    member = sign_in(MEMBER)
    rows = member.get(f"/api/travel/{lab}/{YEARS[1]}/plane", params={"page_size": 100}).json()
    assert rows["total"] > 0
    assert {e["owner_user_id"] for e in rows["items"]} == {member.user_id}
    everyone = sign_in(PRINCIPAL).get(f"/api/travel/{lab}/{YEARS[1]}/plane").json()
    assert everyone["total"] > rows["total"]  # the principal sees the colleagues' too


def test_year_over_year_change_is_explained(seeded, sign_in, lab):
    r = sign_in(PRINCIPAL).get(f"/api/results/{lab}/{YEARS[1]}/change")
    assert r.status_code == 200, r.text
    change = r.json()
    assert Decimal(change["previous_kg"]) > 0 and Decimal(change["current_kg"]) > 0
    effects = sum(Decimal(change[k]) for k in ("activity_kg", "factor_kg", "headcount_kg"))
    assert abs(effects - Decimal(change["change_kg"])) < Decimal("0.001")
