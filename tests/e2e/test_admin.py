"""Browser: the admin creates, checks and opens a reporting year (E2E_YEAR = 2100).

The journey itself runs once per session in the ``admin_year_journey`` fixture
(tests/e2e/conftest.py) because the accessibility tests need the opened year too;
this module asserts what the browser showed at every step and what the API says.
"""

from __future__ import annotations

import pytest

from co2calc.demo import DEMO_USERS

from .conftest import E2E_YEAR

pytestmark = pytest.mark.browser


def test_admin_creates_checks_and_opens_a_year(admin_year_journey):
    seen = admin_year_journey
    assert seen["nav_admin"]  # the admin sees the Administration entry
    if seen["existed"]:  # test_journey.py created it through the API first
        assert "exists already" in seen["create_problem"]
    else:
        assert seen["status_after_create"] == "Draft"
    # the factor file was validated and stored; the diff compares with the active set
    assert f"Version e2e-{E2E_YEAR} of {E2E_YEAR} loaded" in seen["load_result"]
    if not seen["existed"]:
        assert "No previous set for this year." in seen["load_result"]
    # the completeness check lists every module
    assert seen["completeness"].startswith(("Ready", "Not ready"))
    assert seen["completeness_modules"] == 8
    if not seen["existed"]:
        assert f"Open {E2E_YEAR}" in seen["dialog"]
    assert seen["status_after_open"] == "Open"
    assert seen["api_status"] == "open"
    assert len(seen["shots"]) == 3
    assert all(p.exists() and p.stat().st_size > 0 for p in seen["shots"])


def test_a_factor_file_with_bad_rows_lists_every_problem(signed_in_page, gateway, tmp_path):
    """All-or-nothing: each invalid row and field is shown; nothing is stored."""
    admin = next(u for u in DEMO_USERS if u.role == "admin")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "factor_id,module,submodule,key,value,unit,uncertainty,source,source_table,licence,notes\n"
        "f1,travel,plane,short,abc,kg/pkm,0.1,S,T,CC,\n"
        "f2,travel,plane,long,0.1,kg/pkm,0.1,S,T,CC,\n"
        "f2,travel,plane,long,0.1,kg/pkm,0.1,S,T,CC,\n",
        encoding="utf-8",
    )
    page = signed_in_page(admin.person_id)
    page.goto(f"{gateway}/en/admin/factors")
    page.locator("[data-test=factor-sets-table]").wait_for()  # the page has loaded its data
    page.locator("[data-test=load-year]").fill(str(E2E_YEAR))
    page.locator("[data-test=load-version]").fill("e2e-bad")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.locator("[data-test=load-submit]").click()
    problems = page.locator("[data-test=row-problems]")
    problems.wait_for(timeout=45_000)  # the first load imports the engine in a cold gateway
    assert "nothing was stored" in problems.inner_text()
    assert page.locator("[data-test=row-problem-1]").count() >= 1  # "abc" is not a number
    assert page.locator("[data-test=row-problem-3]").count() >= 1  # duplicate of row 2
    versions = page.evaluate(
        f"fetch('/api/factors/sets?year={E2E_YEAR}').then(r => r.json())"
        ".then(s => s.map(x => x.version))"
    )
    assert "e2e-bad" not in versions


def test_admin_sections_and_navigation_follow_permissions(signed_in_page, gateway, screenshot):
    admin = next(u for u in DEMO_USERS if u.role == "admin")
    page = signed_in_page(admin.person_id)
    for name, marker in (
        ("admin/factors", "factor-sets-table"),
        ("admin/jobs", "jobs-table"),
        ("admin/audit", "audit-table"),
    ):
        page.goto(f"{gateway}/en/{name}")
        page.locator(f"[data-test={marker}]").wait_for()
        current = page.locator("[data-test=admin-nav] [aria-current=page]")
        assert current.count() == 1
    # the audit log shows the year's creation and opening by the admin
    page.goto(f"{gateway}/en/admin/audit")
    page.locator("[data-test=audit-resource]").fill("year")
    page.locator("[data-test=audit-apply]").click()
    page.locator("[data-test=audit-table] tbody tr", has_text=str(E2E_YEAR)).first.wait_for()
    screenshot(page, "admin-audit")

    member = next(u for u in DEMO_USERS if u.role == "standard")
    page = signed_in_page(member.person_id)
    page.goto(f"{gateway}/en/")
    page.locator("[data-test=main-nav]").wait_for()
    assert page.locator("[data-test=nav-admin]").count() == 0
    assert page.locator("[data-test=nav-reporting]").count() == 0
    page.goto(f"{gateway}/en/admin/factors")
    page.wait_for_url("**/en/forbidden")
    page.goto(f"{gateway}/en/reporting")
    page.wait_for_url("**/en/forbidden")

    officer = next(u for u in DEMO_USERS if u.role == "affiliation")
    page = signed_in_page(officer.person_id)
    page.goto(f"{gateway}/en/reporting")
    page.locator("[data-test=reporting-kpis]").wait_for()
    assert page.locator("[data-test=nav-reporting]").count() == 1
    assert page.locator("[data-test=nav-admin]").count() == 0
    screenshot(page, "reporting-officer")
