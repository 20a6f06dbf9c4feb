"""Browser: a principal's whole year, through the SPA built in frontend/dist.

Signs in through the OIDC test issuer, enters data in every unit-writable module
(research facilities are loaded by administrators), uploads a CSV and follows the
import job to completion, validates every module, signs the year off and finds
on the results page the total the API computes.

Year 2100 (the only year of 2100-2199 the years API accepts, ``le=2100``) is
created through the admin API. The import needs the whole upload path, so this
module starts its own stack like tests/integration/imports: a gateway with the
S3 proxy mounts, SeaweedFS whose filer webhook points at it (S3 on
``CO2CALC_TEST_S3_JOURNEY_BASE``, default 26333) and the dev event bus
delivering to ``ingest``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from co2calc.demo import DEMO_USERS

pytestmark = pytest.mark.browser

YEAR = 2100
LAB = "ENAC-CLIM-LAB1"
ADMIN, PRINCIPAL = DEMO_USERS[0], DEMO_USERS[1]
BASE = int(os.environ.get("CO2CALC_TEST_S3_JOURNEY_BASE", "26333"))


@dataclass
class Stack:
    url: str
    bus: object


@pytest.fixture(scope="module")
def stack(function_stack, tmp_path_factory) -> Iterator[Stack]:
    """The functions' stack (co2calc.dev.stack) + the OIDC test issuer for browser sign-in."""
    from co2calc.dev.oidc import TestIssuer
    from co2calc.dev.stack import environment

    with function_stack("journey", BASE) as local, ExitStack() as cleanup:
        idp = TestIssuer(
            tmp_path_factory.mktemp("oidc-journey"),
            redirect_uris=[f"{local.url}/api/auth/callback"],
        ).start()
        cleanup.callback(idp.stop)
        cleanup.enter_context(environment(idp.env() | {"CO2CALC_PUBLIC_URL": local.url}))
        yield Stack(local.url, local.bus)


class Api:
    """A signed-in person talking to the journey's gateway over HTTP."""

    def __init__(self, url: str, caller) -> None:
        from co2calc.auth.sessions import SESSION_COOKIE

        self.csrf = caller.csrf
        self.client = httpx.Client(
            base_url=url, headers={"Cookie": f"{SESSION_COOKIE}={caller.token}"}, timeout=60
        )

    def get(self, path: str, **kw) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.client.post(path, headers={"X-CSRF-Token": self.csrf}, **kw)

    def put(self, path: str, **kw) -> httpx.Response:
        return self.client.put(path, headers={"X-CSRF-Token": self.csrf}, **kw)


@pytest.fixture(scope="module")
def year(stack: Stack, sign_in) -> int:
    """Year 2100, open, with an active factor set (2025's values) and the lab's report.

    tests/e2e/conftest.py's ``admin_year_journey`` uses the same year (the API caps
    years at 2100): whichever runs first creates it; this fixture then makes sure a
    factor set is active and the year open, whoever created it.
    """
    from co2calc.db import transaction
    from co2calc.factors import FactorSet, load_shipped_factor_set
    from co2calc.factorstore import store_factor_set

    admin = Api(stack.url, sign_in(ADMIN.person_id))
    r = admin.post("/api/years", json={"year": YEAR})
    assert r.status_code in (201, 409), r.text
    sets = admin.get("/api/factors/sets", params={"year": YEAR})
    assert sets.status_code == 200, sets.text
    if not any(s["active"] and s["year"] == YEAR for s in sets.json()):
        shipped = load_shipped_factor_set(2025)
        with transaction(all_units=True) as conn:
            store_factor_set(
                conn, FactorSet.of(f"journey-{YEAR}", YEAR, shipped.gwp_set, shipped.factors)
            )
    r = admin.put(f"/api/years/{YEAR}/status", json={"status": "open", "force": True})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open"
    stack.bus.wait_idle(timeout=30)  # the directory sync the creation triggered
    return YEAR


@pytest.fixture(scope="module")
def principal_api(stack: Stack, sign_in) -> Api:
    return Api(stack.url, sign_in(PRINCIPAL.person_id))


@pytest.fixture(scope="module")
def lab(principal_api: Api) -> int:
    r = principal_api.get("/api/units", params={"q": LAB})
    return next(u["id"] for u in r.json()["items"] if u["code"] == LAB)


def _sign_in(page, url: str, login: str) -> None:
    page.goto(f"{url}/en/units")
    page.wait_for_url(re.compile(r"/en/sign-in"))
    page.locator("[data-test=sign-in]").click()
    page.get_by_role("button", name=login).click()  # the issuer's predefined user
    page.wait_for_url(re.compile(r"/en/units"))


def _field(form, name: str):
    """The q-field of an entry-form field (Quasar puts data-test on the native input)."""
    return form.locator(
        f".q-field:has([data-test=field-{name}]), .q-field[data-test=field-{name}],"
        f" .q-toggle[data-test=field-{name}]"
    ).first


def _fill(form, name: str, value: str) -> None:
    _field(form, name).locator("input, textarea").first.fill(value)


def _choose(page, form, name: str, option: str | None = None) -> None:
    """Open a q-select and pick an option by its text (the first one when None)."""
    _field(form, name).click()
    menu = page.locator(".q-menu .q-item")
    (menu.first if option is None else menu.filter(has_text=option).first).click()


def _suggest(page, form, name: str, typed: str, value: str) -> None:
    """Type into an autocomplete and pick the server's suggestion ``value``."""
    field = _field(form, name).locator("input")
    field.click()
    field.press_sequentially(typed, delay=30)
    page.locator(f"[data-test=suggestion-{value}]").first.click()


def _add(page, fill) -> None:
    """Open the add form, fill it, save, and wait for the form to close."""
    page.locator("[data-test=entry-add]").click()
    form = page.locator("[data-test=add-entry]")
    form.wait_for()
    fill(form)
    form.locator("[data-test=entry-save]").click()
    try:
        form.wait_for(state="detached")
    except Exception as e:
        raise AssertionError(f"the form stayed open: {form.inner_text()}") from e


def _module(page, url: str, lab: int, module: str, sub: str | None = None) -> None:
    page.goto(f"{url}/en/units/{lab}/{YEAR}/{module}" + (f"?sub={sub}" if sub else ""))
    page.locator("[data-test=module-page]").wait_for()
    page.locator("[data-test=entries-table]").wait_for()


def _rows(page) -> int:
    return page.locator("[data-test=entries-table] tr[data-test^=entry-row-]").count()


def test_principal_year_journey(browser, stack, year, lab, screenshot):
    url = stack.url
    context = browser.new_context(
        ignore_https_errors=True, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        _sign_in(page, url, PRINCIPAL.login)

        # headcount: a member (the traveller picked below) with 1 FTE
        _module(page, url, lab, "headcount")

        def member(form):
            _fill(form, "name", "Journey Person")
            _choose(page, form, "staff_category")
            _fill(form, "person_id", "J-100")
            _fill(form, "fte", "1")

        _add(page, member)
        page.locator("[data-test=entries-table] tr[data-test^=entry-row-]").first.wait_for()

        # a field error of the server's 422 lands under its field
        page.locator("[data-test=entry-add]").click()
        form = page.locator("[data-test=add-entry]")
        _fill(form, "name", "No category")
        _fill(form, "person_id", "J-101")
        form.locator("[data-test=entry-save]").click()
        err = form.locator("#add-staff_category_error")
        err.wait_for()
        assert err.inner_text().strip(), "the 422's message for staff_category is shown"
        form.locator("[data-test=entry-cancel]").click()

        # travel: a short flight through the airport autocomplete, traveller from headcount,
        # round trip; the train alternative is shown beside it
        _module(page, url, lab, "travel", "plane")

        def flight(form):
            _suggest(page, form, "origin", "GVA", "GVA")
            _suggest(page, form, "destination", "CDG", "CDG")
            _suggest(page, form, "traveller_id", "Journey", "J-100")
            _field(form, "round_trip").click()
            _fill(form, "note", "conference")

        _add(page, flight)
        row = page.locator("[data-test=entries-table] tr[data-test^=entry-row-]").first
        row.wait_for()
        assert "GVA" in row.inner_text() and "CDG" in row.inner_text()
        alt = page.locator("[data-test=entry-train-alternative]").first
        alt.wait_for()
        assert "train" in alt.inner_text().lower()
        assert page.locator("text=conference").count() >= 1  # the note under the row

        # the explanation of the entry's computation
        row.locator("[data-test=entry-explain]").click()
        dialog = page.locator("[data-test=explain-dialog]")
        dialog.locator("[data-test=explain-steps] li").first.wait_for()
        assert dialog.locator("[data-test=explain-factors]").count() == 1
        screenshot(page, "journey-explain")
        dialog.locator("[data-test=explain-close]").click()
        dialog.wait_for(state="detached")

        # train, through the station autocomplete (which fills the country)
        _module(page, url, lab, "travel", "train")

        def train(form):
            _suggest(page, form, "origin_name", "Lausanne", "Lausanne")
            _suggest(page, form, "destination_name", "Bern", "Bern")

        _add(page, train)
        page.locator("[data-test=entries-table] tr[data-test^=entry-row-]").first.wait_for()

        # buildings: combustion
        _module(page, url, lab, "buildings", "combustion")

        def gas_heating(form):
            _fill(form, "fuel", "natural_gas")
            _choose(page, form, "unit", "kWh")
            _fill(form, "quantity", "1000")

        _add(page, gas_heating)

        # equipment: an unknown class is stored but flagged, with the reason shown
        _module(page, url, lab, "equipment", "scientific")

        def device(form):
            _fill(form, "inventory_id", "INV-1")
            _fill(form, "name", "Mystery box")
            _fill(form, "cls", "Warp drive")

        _add(page, device)
        flag = page.locator("[data-test=entry-flag]").first
        flag.wait_for()
        assert "Flagged" in flag.inner_text()
        page.locator("[data-test=entry-delete]").first.click()
        page.locator("[data-test=confirm-ok]").click()
        page.wait_for_function(
            "() => !document.querySelector('[data-test=entries-table] [data-test=entry-flag]')"
        )

        def desktop(form):
            _fill(form, "inventory_id", "INV-2")
            _fill(form, "name", "Office PC")
            _fill(form, "cls", "Desktop")

        _add(page, desktop)

        # purchases
        _module(page, url, lab, "purchases", "consumables")

        def gloves(form):
            _fill(form, "item", "Gloves")
            _fill(form, "amount", "1200")
            _fill(form, "purchase_code", "C-01")

        _add(page, gloves)

        # cloud and AI
        _module(page, url, lab, "cloud-ai", "cloud")

        def cloud(form):
            _fill(form, "provider", "JourneyCloud")
            _choose(page, form, "service_type")
            _fill(form, "amount", "500")

        _add(page, cloud)

        # process emissions: one by hand, inline edit, then a CSV upload with progress
        _module(page, url, lab, "process-emissions")

        def refrigerant(form):
            _fill(form, "gas", "R410A")
            _fill(form, "kg_emitted", "2")

        _add(page, refrigerant)
        gas_row = page.locator("[data-test=entries-table] tr[data-test^=entry-row-]").first
        gas_id = int(gas_row.get_attribute("data-test").removeprefix("entry-row-"))
        gas_row.locator("[data-test=entry-edit]").click()
        edit = page.locator(f"[data-test=entry-form-edit-{gas_id}]")
        _fill(edit, "kg_emitted", "3")
        edit.locator("[data-test=entry-save]").click()
        edit.wait_for(state="detached")
        stored = page.request.get(f"{url}/api/process-emissions/{lab}/{YEAR}/gas/{gas_id}").json()
        assert float(stored["data"]["kg_emitted"]) == 3 and stored["version"] == 2, stored
        totals = page.locator("[data-test=entries-totals]")
        before = int(totals.inner_text().split(" ")[0])  # other e2e modules may share the year

        # the templates are downloadable
        with page.expect_download() as dl:
            page.locator("[data-test=template-csv]").click()
        assert dl.value.suggested_filename.endswith(".csv")

        csv_rows = ["gas,kg_emitted"] + [f"R410A,0.0{i % 5 + 1}" for i in range(2000)]
        csv_rows.append("R410A,-1")  # rejected: a negative mass
        page.locator(
            "input[type=file][data-test=upload-file], [data-test=upload-file] input[type=file]"
        ).set_input_files(
            files=[
                {
                    "name": "gases.csv",
                    "mimeType": "text/csv",
                    "buffer": ("\n".join(csv_rows) + "\n").encode(),
                }
            ]
        )
        page.locator(
            ".q-checkbox:has([data-test=upload-valid-only]),"
            " .q-checkbox[data-test=upload-valid-only]"
        ).first.click()
        page.locator("[data-test=upload-start]").click()
        status = page.locator("[data-test=upload-status]")
        status.wait_for()
        seen = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            seen.add(status.inner_text())
            if status.inner_text() in ("Imported", "Failed"):
                break
            time.sleep(0.1)
        job_text = page.locator("[data-test=upload-job]").inner_text()
        assert status.inner_text() == "Imported", (seen, job_text)
        assert seen & {"Waiting", "Importing"}, seen  # followed while it ran, not only its end
        counts = page.locator("[data-test=upload-counts]").inner_text()
        assert "2,001 rows read" in counts and "2,000 valid" in counts, counts
        assert "1 rejected" in counts and "2,000 written" in counts, counts
        assert page.locator("[data-test=upload-rate]").count() == 1
        report = page.locator("[data-test=upload-error-report]")
        assert report.get_attribute("href").endswith("/errors.csv")
        screenshot(page, "journey-upload")
        # the table follows: 2,000 more
        page.wait_for_function(
            "n => (document.querySelector('[data-test=entries-totals]')?.textContent ?? '')"
            ".startsWith(`${n} entries`)",
            arg=before + 2000,
        )
        # tick two rows and delete them in one go
        ticks = page.locator("[data-test=entries-table] [data-test=entry-select]")
        ticks.nth(0).click()
        ticks.nth(1).click()
        page.locator("[data-test=entries-bulk-delete]").click()
        page.locator("[data-test=confirm-ok]").click()
        page.wait_for_function(
            "n => (document.querySelector('[data-test=entries-totals]')?.textContent ?? '')"
            ".startsWith(`${n} entries`)",
            arg=before + 1998,
        )

        # validate every module, then sign off
        page.goto(f"{url}/en/units/{lab}/{YEAR}")
        page.locator("[data-test=unit-year-page]").wait_for()
        cards = page.locator("[data-test^=module-card-]")
        cards.first.wait_for()
        for _ in range(cards.count()):
            button = page.locator("[data-test=module-validate]").first
            if button.count() == 0:
                break
            button.click()
            page.locator("[data-test=confirm-ok]").click()
            page.locator("[data-test=confirm-dialog]").wait_for(state="detached")
            page.wait_for_timeout(300)
        assert page.locator("[data-test=module-validate]").count() == 0
        screenshot(page, "journey-validated")
        page.locator("[data-test=sign-off]").click()
        page.locator("[data-test=confirm-ok]").click()
        page.locator("[data-test=todo-signed-off]").wait_for()
        assert page.locator("[data-test=report-status]").inner_text() == "Signed off"

        # results: the total the API computes
        page.locator("[data-test=open-results]").click()
        total = page.locator("[data-test=result-total]")
        total.wait_for()
        # the browser's own session asks the API (same person, same cookie)
        r = page.request.get(f"{url}/api/results/{lab}/{YEAR}")
        assert r.status == 200, r.text()
        api = r.json()
        assert api["report_status"] == "signed_off"
        assert total.get_attribute("data-kg") == str(api["total"]["kg"])
        shown = total.locator("[data-test=big-number-value]").inner_text()
        expected = page.evaluate(
            "kg => { const n = Number(kg); const f = (v, d) => new Intl.NumberFormat('en-GB',"
            " { maximumFractionDigits: d }).format(v);"
            " return Math.abs(n) >= 1000 ? f(n / 1000, Math.abs(n) >= 100000 ? 0 : 1) + ' t'"
            " : f(n, Math.abs(n) >= 100 ? 0 : 1) + ' kg' }",
            str(api["total"]["kg"]),
        )
        assert shown == expected
        assert "95 % interval" in total.inner_text()
        per_fte = page.locator("[data-test=result-per-fte] [data-test=big-number-value]")
        assert per_fte.inner_text() != "—"
        # every chart has its data as a table; module rows match the API's modules
        module_rows = page.locator("[data-test=chart-module-table] tbody tr")
        module_rows.first.wait_for()
        assert module_rows.count() == len(api["by_module"])
        for chart in ("chart-scope", "chart-submodule", "chart-years", "chart-trajectory"):
            assert page.locator(f"[data-test={chart}-table] tbody tr").count() >= 1, chart
        page.locator("[data-test=chart-module]").scroll_into_view_if_needed()  # drawn when seen
        page.locator("[data-test=chart-module] canvas").first.wait_for()
        with page.expect_download() as png:
            page.locator("[data-test=chart-module-png]").click()
        assert png.value.suggested_filename == "chart-module.png"
        with open(png.value.path(), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        # top items explain their computation too
        page.locator("[data-test=top-item-explain]").first.click()
        page.locator("[data-test=explain-dialog] [data-test=explain-steps] li").first.wait_for()
        page.locator("[data-test=explain-close]").click()
        csv = page.request.get(url + page.locator("[data-test=export-csv]").get_attribute("href"))
        assert csv.status == 200 and "text/csv" in csv.headers["content-type"]
        screenshot(page, "journey-results")

        # usable at 375 px: no horizontal scrolling of the page
        page.set_viewport_size({"width": 375, "height": 800})
        page.wait_for_timeout(300)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, overflow
        screenshot(page, "journey-results-375")
    finally:
        context.close()
