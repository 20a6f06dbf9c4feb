"""Browser: a standard member of a lab sees and enters only their own travel.

Member 100003 of ENAC-CLIM-LAB1 signs in through the OIDC test issuer; the
principal (100002) and a colleague (100004) of the same lab have travel rows in
the same report. The member's travel table lists none of them, the row the
member adds is theirs, and nothing of the principal's tools (upload, validate,
headcount entry) is offered.

Year 2086: the database allows years up to 2100 only (``reporting_year_year_check``)
and 2100 is the journey's (tests/e2e/test_journey.py), so this module takes a free
year below the 2100-2199 range. Created and opened through the admin API.
"""

from __future__ import annotations

import re

import pytest

from co2calc.demo import DEMO_USERS

pytestmark = pytest.mark.browser

YEAR = 2086
LAB = "ENAC-CLIM-LAB1"
ADMIN, PRINCIPAL, MEMBER, COLLEAGUE = DEMO_USERS[0], DEMO_USERS[1], DEMO_USERS[2], DEMO_USERS[3]


@pytest.fixture(scope="module")
def lab(sign_in) -> int:
    r = sign_in(ADMIN.person_id).get("/api/units", params={"q": LAB})
    return next(u["id"] for u in r.json()["items"] if u["code"] == LAB)


@pytest.fixture(scope="module")
def year(sign_in) -> int:
    from co2calc.db import transaction
    from co2calc.factors import FactorSet, load_shipped_factor_set
    from co2calc.factorstore import store_factor_set

    admin = sign_in(ADMIN.person_id)
    r = admin.post("/api/years", json={"year": YEAR})
    assert r.status_code in (201, 409), r.text
    if r.status_code == 201:
        shipped = load_shipped_factor_set(2025)
        with transaction(all_units=True) as conn:
            store_factor_set(
                conn, FactorSet.of(f"test-{YEAR}", YEAR, shipped.gwp_set, shipped.factors)
            )
    r = admin.put(f"/api/years/{YEAR}/status", json={"status": "open", "force": True})
    assert r.status_code == 200, r.text
    return YEAR


def _plane(caller, lab: int, destination: str, note: str) -> dict:
    r = caller.post(
        f"/api/travel/{lab}/{YEAR}/plane",
        json={"data": {"origin": "GVA", "destination": destination}, "note": note},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element is (inside) ``selector``."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement?.closest(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reachable with the keyboard")


def test_member_sees_only_own_travel(browser, gateway, oidc_issuer, sign_in, lab, year, screenshot):
    colleague_row = _plane(sign_in(COLLEAGUE.person_id), lab, "VIE", "colleague-trip")
    principal_row = _plane(sign_in(PRINCIPAL.person_id), lab, "MAD", "principal-trip")

    context = browser.new_context(
        ignore_https_errors=True, locale="en-GB", viewport={"width": 375, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{gateway}/en/units")
        page.wait_for_url(re.compile(r"/en/sign-in"))
        page.locator("[data-test=sign-in]").click()
        page.get_by_role("button", name=MEMBER.login).click()
        page.wait_for_url(re.compile(r"/en/units"))

        page.goto(f"{gateway}/en/units/{lab}/{YEAR}/travel?sub=plane")
        table = page.locator("[data-test=entries-table]")
        table.wait_for()
        page.locator("[data-test=entries-totals]").wait_for()
        assert page.locator("[data-test=entries-totals]").inner_text().startswith("0 entries")
        for other in (colleague_row, principal_row):
            assert page.locator(f"[data-test=entry-row-{other['id']}]").count() == 0
        # a member's tools: add own rows; no upload, no validation
        assert page.locator("[data-test=upload-panel]").count() == 0
        assert page.locator("[data-test=module-validate]").count() == 0

        # keyboard only: reach "Add entry", fill the airports through their suggestions, save
        _tab_to(page, "[data-test=entry-add]")
        page.keyboard.press("Enter")
        form = page.locator("[data-test=add-entry]")
        form.wait_for()
        for name, code in (("origin", "GVA"), ("destination", "BER")):
            _tab_to(page, f"[data-test=field-{name}]")
            page.keyboard.type(code, delay=30)
            page.locator(f"[data-test=suggestion-{code}]").first.wait_for()
            page.keyboard.press("Enter")  # the first suggestion is the highlighted one
        _tab_to(page, "[data-test=entry-save]")
        page.keyboard.press("Enter")
        form.wait_for(state="detached")
        rows = page.locator("[data-test=entries-table] tr[data-test^=entry-row-]")
        rows.first.wait_for()
        assert rows.count() == 1
        assert "BER" in rows.first.inner_text()
        assert page.locator("[data-test=entries-totals]").inner_text().startswith("1 entries")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, overflow
        screenshot(page, "own-scope-member-travel-375")

        # the member's row is theirs (traveller = the member); the principal sees all three
        mine_id = int(rows.first.get_attribute("data-test").removeprefix("entry-row-"))
        listed = page.request.get(f"{gateway}/api/travel/{lab}/{YEAR}/plane").json()
        assert [e["id"] for e in listed["items"]] == [mine_id]
        assert listed["items"][0]["data"]["traveller_id"] == MEMBER.person_id
        everyone = sign_in(PRINCIPAL.person_id).get(f"/api/travel/{lab}/{YEAR}/plane").json()
        assert {e["id"] for e in everyone["items"]} == {
            mine_id,
            colleague_row["id"],
            principal_row["id"],
        }

        # headcount is the principal's: readable or not, never editable by the member
        page.goto(f"{gateway}/en/units/{lab}/{YEAR}/headcount")
        page.locator("[data-test=module-page]").wait_for()
        page.wait_for_timeout(300)
        assert page.locator("[data-test=entry-add]").count() == 0
    finally:
        context.close()
