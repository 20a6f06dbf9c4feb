"""Browser fixtures: Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CO2CALC_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make deps` (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    yield p
    context.close()


@pytest.fixture(scope="session")
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG under test-artifacts/."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="module")
def oidc_issuer(gateway: str, demo, tmp_path_factory) -> Iterator:
    """The OIDC test issuer with the demo users; the gateway configured for it."""
    from co2calc.dev.oidc import TestIssuer
    from co2calc.dev.stack import environment

    idp = TestIssuer(
        tmp_path_factory.mktemp("oidc-e2e"), redirect_uris=[f"{gateway}/api/auth/callback"]
    ).start()
    with environment(idp.env() | {"CO2CALC_PUBLIC_URL": gateway}):
        yield idp
    idp.stop()


# -- signed-in pages, axe-core and the admin's year journey -----------------------------

AXE_JS = ARTIFACTS.parent / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
#: The year the browser tests create and open. Years are capped at 2100 by the API
#: (co2calc.models.years.YearCreate), so it is the only one of 2100-2199 usable here.
E2E_YEAR = 2100


@pytest.fixture
def signed_in_page(browser, gateway, sign_in):
    """``signed_in_page(person_id, width=1280)`` → a page signed in as that person."""
    from co2calc.auth.sessions import SESSION_COOKIE

    contexts = []

    def make(person_id: str, width: int = 1280, height: int = 900):
        caller = sign_in(person_id)
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
        context.add_cookies(
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
        contexts.append(context)
        p = context.new_page()
        p.set_default_timeout(15_000)
        return p

    yield make
    for c in contexts:
        c.close()


@pytest.fixture(scope="session")
def axe():
    """``axe(page)`` → axe-core's violations (WCAG 2.0/2.1 A and AA rules) on the current page.

    axe-core is injected from the npm package's file (frontend/node_modules), never downloaded.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} missing: run `cd frontend && npm ci`")
    source = AXE_JS.read_text(encoding="utf-8")

    def run(page) -> list[dict]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=source)
        return page.evaluate(
            """() => axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                resultTypes: ['violations'],
            }).then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            })))"""
        )

    return run


@pytest.fixture(scope="session")
def admin_year_journey(browser, gateway, sign_in, screenshot, tmp_path_factory):
    """The admin creates E2E_YEAR, loads its factor set, checks and opens it, in the browser.

    Runs once per session: test_admin.py asserts what the browser showed at each
    step, test_a11y.py needs the opened year. tests/e2e/test_journey.py uses the same
    year (the API caps years at 2100) and creates it through the API when it runs
    first: then the browser shows the creation's 409, and the factor set is loaded
    without activating it (test_journey stores its own active set).
    """
    from co2calc.auth.sessions import SESSION_COOKIE
    from co2calc.demo import DEMO_USERS

    admin = next(u for u in DEMO_USERS if u.role == "admin")
    caller = sign_in(admin.person_id)
    existed = caller.get(f"/api/years/{E2E_YEAR}").status_code == 200
    # the shipped 2025 set in the loader's format: a valid factor file
    factor_csv = tmp_path_factory.mktemp("factors") / f"factors-{E2E_YEAR}.csv"
    exported = caller.get("/api/factors/sets/2025/export")
    assert exported.status_code == 200, exported.text
    factor_csv.write_bytes(exported.content)

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": SESSION_COOKIE, "value": caller.token, "url": gateway, "httpOnly": True}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    seen: dict = {"existed": existed, "shots": []}
    try:
        page.goto(f"{gateway}/en/admin")
        page.locator("[data-test=admin-years-table]").wait_for()
        seen["nav_admin"] = page.locator("[data-test=nav-admin]").count() == 1
        page.locator("[data-test=create-year-input]").fill(str(E2E_YEAR))
        page.locator("[data-test=create-year]").click()
        row = page.locator("[data-test=admin-years-table] tbody tr", has_text=str(E2E_YEAR))
        if existed:
            banner = page.locator("[data-test=problem-banner]")
            banner.wait_for()
            seen["create_problem"] = banner.inner_text()
        else:
            page.locator("[data-test=completeness-ready]").wait_for()
        row.wait_for()
        seen["status_after_create"] = row.locator("td").nth(1).inner_text()
        seen["shots"].append(screenshot(page, "admin-year-created"))

        # the year's factor set, from a file, through the factors page
        page.locator("[data-test=admin-nav-admin-factors]").click()
        page.locator("[data-test=load-factors-form]").wait_for()
        page.locator("[data-test=load-year]").fill(str(E2E_YEAR))
        page.locator("[data-test=load-version]").fill(f"e2e-{E2E_YEAR}")
        if existed:
            page.locator("[data-test=load-activate]").click()
        page.locator("input[type=file]").set_input_files(str(factor_csv))
        page.locator("[data-test=load-submit]").click()
        result = page.locator("[data-test=load-result]")
        result.wait_for()
        seen["load_result"] = result.inner_text()
        seen["shots"].append(screenshot(page, "admin-factors-loaded"))

        page.locator("[data-test=admin-nav-admin]").click()
        page.locator(f"[data-test=completeness-{E2E_YEAR}]").click()
        ready = page.locator("[data-test=completeness-ready]")
        page.locator("#completeness-title", has_text=str(E2E_YEAR)).wait_for()
        seen["completeness"] = ready.inner_text()
        seen["completeness_modules"] = page.locator(
            "[data-test=completeness] tbody tr[data-test^=completeness-]"
        ).count()
        if page.locator(f"[data-test=open-year-{E2E_YEAR}]").count():
            page.locator("[data-test=completeness-open]").click()
            dialog = page.locator("[data-test=confirm-dialog]")
            dialog.wait_for()
            seen["dialog"] = dialog.inner_text()
            dialog.locator("[data-test=confirm-ok]").click()
        page.locator(f"[data-test=close-year-{E2E_YEAR}]").wait_for()
        seen["status_after_open"] = row.locator("td").nth(1).inner_text()
        seen["shots"].append(screenshot(page, "admin-year-opened"))
        seen["api_status"] = caller.get(f"/api/years/{E2E_YEAR}").json()["status"]
    finally:
        context.close()
    return seen
