"""Browser: sign in through the OIDC test issuer, see only what the role may see, sign out."""

from __future__ import annotations

import re

import pytest

from co2calc.demo import DEMO_USERS

pytestmark = pytest.mark.browser


def _sign_in(page, gateway: str, login: str) -> None:
    page.goto(f"{gateway}/en/units")
    page.wait_for_url(re.compile(r"/en/sign-in"))
    page.locator("[data-test=sign-in]").click()
    page.get_by_role("button", name=login).click()  # the issuer's predefined user
    page.wait_for_url(re.compile(r"/en/units"))


@pytest.mark.parametrize("who", ["principal", "officer", "admin"])
def test_sign_in_round_trip(browser, gateway, oidc_issuer, screenshot, who):
    user = {"principal": DEMO_USERS[1], "officer": DEMO_USERS[4], "admin": DEMO_USERS[0]}[who]
    context = browser.new_context(ignore_https_errors=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        _sign_in(page, gateway, user.login)
        page.locator("[data-test=unit-code]").first.wait_for()
        codes = set(page.locator("[data-test=unit-code]").all_inner_texts())
        if who == "principal":
            assert codes == {"ENAC-CLIM-LAB1"}
        elif who == "officer":
            assert "ENAC-CLIM-LAB1" in codes and all(c.startswith("ENAC") for c in codes)
        else:
            assert page.locator("[data-test=units-range]").inner_text().endswith("of 52")
        assert page.locator("[data-test=user-name]").inner_text() == user.display_name
        screenshot(page, f"signed-in-{who}")

        page.locator("[data-test=sign-out]").click()
        page.wait_for_url(re.compile(r"/en/sign-in"))
        # the server revoked the session: the API refuses the old cookie
        status = page.evaluate("fetch('/api/auth/session').then(r => r.status)")
        assert status == 401
    finally:
        context.close()
