"""Accessibility: axe-core (WCAG 2.0/2.1 A and AA rules) on every page, for the roles that use it.

No page may have a serious or critical violation. Minor and moderate ones are
printed (``-s``) so they can be followed up. The unit-year pages use the year
the admin opened in ``admin_year_journey`` (E2E_YEAR).
"""

from __future__ import annotations

import pytest

from co2calc.demo import DEMO_USERS

from .conftest import E2E_YEAR

pytestmark = pytest.mark.browser

MODULES = (
    "headcount",
    "travel",
    "buildings",
    "equipment",
    "purchases",
    "cloud-ai",
    "process-emissions",
    "research-facilities",
)
BLOCKING = {"serious", "critical"}

ADMIN = next(u for u in DEMO_USERS if u.role == "admin")
PRINCIPAL = next(u for u in DEMO_USERS if u.role == "principal" and u.unit == "ENAC-CLIM-LAB1")
MEMBER = next(u for u in DEMO_USERS if u.role == "standard")
OFFICER = next(u for u in DEMO_USERS if u.role == "affiliation")


@pytest.fixture(scope="module")
def lab_id(sign_in, admin_year_journey) -> int:
    caller = sign_in(ADMIN.person_id)
    units = caller.get("/api/units", params={"q": "ENAC-CLIM-LAB1"}).json()["items"]
    return next(u["id"] for u in units if u["code"] == "ENAC-CLIM-LAB1")


def _pages(lab: int) -> list[tuple[str, str, str]]:
    """(name, who, path after /en/)."""
    uy = f"units/{lab}/{E2E_YEAR}"
    pages = [
        ("workspace-principal", "principal", ""),
        ("workspace-member", "member", ""),
        ("units-officer", "officer", "units"),
        ("unit-year-principal", "principal", uy),
        ("unit-year-member", "member", uy),
        ("results-principal", "principal", f"{uy}/results"),
        ("results-officer", "officer", f"{uy}/results"),
        ("admin-years", "admin", "admin"),
        ("admin-factors", "admin", "admin/factors"),
        ("admin-jobs", "admin", "admin/jobs"),
        ("admin-audit", "admin", "admin/audit"),
        ("reporting-officer", "officer", "reporting"),
        ("reporting-admin", "admin", "reporting"),
    ]
    pages += [(f"module-{m}-principal", "principal", f"{uy}/{m}") for m in MODULES]
    pages += [("module-travel-member", "member", f"{uy}/travel")]
    return pages


PEOPLE = {"admin": ADMIN, "principal": PRINCIPAL, "member": MEMBER, "officer": OFFICER}


def _settle(page) -> None:
    """Wait until the page's data has arrived: no loading indicator, network idle."""
    page.wait_for_load_state("networkidle")
    page.locator("main h1").first.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('.q-inner-loading, .q-table__progress, .q-spinner')"
    )


def _check(page, axe, name: str) -> list[dict]:
    violations = axe(page)
    for v in violations:
        print(f"[axe] {name}: {v['impact']} {v['id']} — {v['help']} @ {v['nodes']}")
    return [v for v in violations if v["impact"] in BLOCKING]


def test_every_page_has_no_serious_violations(signed_in_page, gateway, axe, lab_id, screenshot):
    failures: dict[str, list] = {}
    pages: dict[str, object] = {}
    for name, who, path in _pages(lab_id):
        page = pages.get(who) or signed_in_page(PEOPLE[who].person_id)
        pages[who] = page
        page.goto(f"{gateway}/en/{path}")
        _settle(page)
        assert "forbidden" not in page.url and "sign-in" not in page.url, (name, page.url)
        if blocking := _check(page, axe, name):
            failures[name] = blocking
            screenshot(page, f"a11y-{name}")
    assert not failures, failures


def test_sign_in_page_has_no_serious_violations(page, gateway, axe):
    page.goto(f"{gateway}/fr/units")
    page.wait_for_url("**/fr/sign-in**")
    _settle(page)
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert not _check(page, axe, "sign-in")


@pytest.mark.parametrize("locale", ["fr", "de"])
def test_translated_admin_and_reporting_pages(signed_in_page, gateway, axe, locale, lab_id):
    page = signed_in_page(ADMIN.person_id)
    for path in ("admin/factors", "admin/jobs", "admin/audit", "reporting"):
        page.goto(f"{gateway}/{locale}/{path}")
        _settle(page)
        assert page.evaluate("document.documentElement.lang") == locale
        assert not _check(page, axe, f"{path}-{locale}")


def test_pages_fit_a_375px_screen(signed_in_page, gateway, axe, lab_id, screenshot):
    """No page-wide horizontal scrolling at 375 px (tables scroll inside their own box)."""
    wide = {}
    for who, path in (
        ("admin", "admin"),
        ("admin", "admin/factors"),
        ("admin", "admin/jobs"),
        ("admin", "admin/audit"),
        ("officer", "reporting"),
        ("principal", ""),
        ("officer", "units"),
    ):
        page = signed_in_page(PEOPLE[who].person_id, width=375, height=812)
        page.goto(f"{gateway}/en/{path}")
        _settle(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide[path or "workspace"] = overflow
        assert not _check(page, axe, f"{path or 'workspace'}-375")
        screenshot(page, f"mobile-{(path or 'workspace').replace('/', '-')}")
        page.context.close()
    assert not wide, wide
