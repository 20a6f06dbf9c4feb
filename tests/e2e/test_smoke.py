"""Browser smoke test: the SPA served by the stack lists the units from /api/units."""

from __future__ import annotations

import pytest

from co2calc.auth.sessions import SESSION_COOKIE
from co2calc.demo import DEMO_USERS

pytestmark = pytest.mark.browser


def test_units_page_lists_units(page, gateway, sign_in, demo, screenshot):
    officer = next(u for u in DEMO_USERS if u.role == "affiliation")
    caller = sign_in(officer.person_id)
    page.context.add_cookies(
        [
            {
                "name": SESSION_COOKIE,
                "value": caller.token,
                "url": gateway,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.goto(f"{gateway}/en/units")
    codes = page.locator("[data-test=unit-code]")
    codes.first.wait_for()
    shown = set(codes.all_inner_texts())
    assert "ENAC-CLIM-LAB1" in shown
    assert not any(c.startswith("SB") for c in shown)  # outside the officer's subtree
    assert page.evaluate("document.documentElement.lang") == "en"
    screenshot(page, "units-en")
