"""Browser: the results page printed as a PDF (the "PDF (print)" button, print stylesheet).

ENAC-CLIM-LAB1 gets entries in 2039 and 2040 (years of this module alone, each with a
stored factor set equal to the shipped 2025 set, entries written through the entry
service as the API writes them). Its principal opens the 2040 results in Chromium; the
scope split (HTML bars) still downloads as a PNG; the print button draws every chart
first (even those never scrolled to) and calls
``window.print()``; with print media emulated the header, navigation and buttons are
hidden, the first page carries the unit, the year, the date and the factor set, every
chart and table fits the A4 width and the sections start on new pages. ``page.pdf()``
writes the document to test-artifacts/results-print.pdf.

No PDF library is a dependency, so the PDF's text is not extracted: its content is
checked in the print-media DOM it is made from (the total as the API reports it), and
the file itself for its pages (A4, one per section at least).
"""

from __future__ import annotations

import re

import pytest

from co2calc.demo import DEMO_USERS

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

ADMIN, PRINCIPAL = DEMO_USERS[0].person_id, DEMO_USERS[1].person_id
LAB = "ENAC-CLIM-LAB1"
YEARS = (2039, 2040)
A4 = (595, 842)  # points (210 × 297 mm)


@pytest.fixture(scope="module")
def lab(sign_in) -> int:
    """ENAC-CLIM-LAB1 with entries in 2039 and 2040 (so the year-over-year change exists)."""
    from co2calc import factorstore
    from co2calc.db import reports, transaction
    from co2calc.entries.service import create_entry
    from co2calc.factors import FactorSet, load_shipped_factor_set

    admin = sign_in(ADMIN)
    for y in YEARS:
        assert admin.post("/api/years", json={"year": y}).status_code in (201, 409)
    shipped = load_shipped_factor_set(2025)
    with transaction(all_units=True) as conn:
        lab_id = conn.execute("select id from org_unit where code = %s", (LAB,)).fetchone()["id"]
        for y in YEARS:
            fs = FactorSet.of(f"{y}.print", y, "AR5", shipped.factors)
            factorstore.store_factor_set(conn, fs)

        def fuel(name: str, kwh: int) -> dict:
            return {"fuel": name, "unit": "kWh", "quantity": kwh}

        def add(year: int, module: str, submodule: str, data: dict) -> None:
            report = reports.report_for(conn, lab_id, year)
            create_entry(
                conn,
                report=report,
                module=module,
                submodule=submodule,
                data=data,
                actor_id=admin.user_id,
            )

        # 2039: 2 staff FTE, gas 10,000 kWh, 2 kg R134a; 2040: 3 staff FTE, gas 12,000 kWh,
        # heating oil 1,000 kWh, 1 kg R134a: every module changes, two combustion fuels.
        for y, ftes, gas in ((2039, (1, 1), 10000), (2040, (1, 1, 1), 12000)):
            for i, fte in enumerate(ftes):
                member = {"name": f"P{y}-{i}", "staff_category": "53", "person_id": f"P{y}-{i}"}
                add(y, "headcount", "members", member | {"fte": fte})
            add(y, "buildings", "combustion", fuel("natural_gas", gas))
        add(2040, "buildings", "combustion", fuel("heating_oil", 1000))
        add(2039, "process-emissions", "gas", {"gas": "R134a", "kg_emitted": 2})
        add(2040, "process-emissions", "gas", {"gas": "R134a", "kg_emitted": 1})
    return lab_id


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The (width, height) in points of every page object of a PDF (Chromium's are uncompressed)."""
    sizes = []
    for m in re.finditer(rb"/Type\s*/Page(?![s\w])", pdf):
        obj = pdf[pdf.rfind(b"obj", 0, m.start()) : pdf.find(b"endobj", m.end())]
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", obj)
        assert box, obj[:200]
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        sizes.append((x1 - x0, y1 - y0))
    return sizes


def test_results_print_to_pdf(signed_in_page, gateway, sign_in, lab, screenshot):
    year = YEARS[1]
    page = signed_in_page(PRINCIPAL, width=1280, height=900)
    api = sign_in(PRINCIPAL).get(f"/api/results/{lab}/{year}")
    assert api.status_code == 200, api.text
    body = api.json()
    change = sign_in(PRINCIPAL).get(f"/api/results/{lab}/{year}/change").json()
    assert change["previous_year"] == YEARS[0] and len(change["by_module"]) >= 3

    page.goto(f"{gateway}/en/units/{lab}/{year}/results")
    total = page.locator("[data-test=result-total]")
    total.wait_for()
    assert total.get_attribute("data-kg") == str(body["total"]["kg"])
    page.locator("[data-test=change-table]").wait_for()
    heading = page.locator("[data-test=print-heading]")
    heading.wait_for(state="attached")
    page.wait_for_function(
        "() => !document.querySelector('[data-test=print-heading]').textContent.includes('—')"
    )  # the factor set arrives with its own request

    # the scope split is HTML bars; its PNG is drawn with ECharts off-screen when asked for
    with page.expect_download() as png:
        page.locator("[data-test=chart-scope-png]").click()
    assert png.value.suggested_filename == "chart-scope.png"
    with open(png.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert page.locator("[data-test=chart-scope] canvas").count() == 0

    # Years and trajectory are far below the fold: not drawn yet. The print button draws them.
    page.locator("[data-test=chart-trajectory-table]").wait_for()  # the last section rendered
    assert page.locator(".echart").count() == 4  # module, submodule, years, trajectory
    assert page.locator("[data-test=chart-trajectory] canvas").count() == 0  # never scrolled to
    page.evaluate("window.print = () => { window.__printed = true }")
    page.locator("[data-test=export-pdf]").click()
    page.wait_for_function("() => window.__printed === true")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.echart')].map(e => !!e.querySelector('canvas'))"
    )
    assert all(drawn), drawn

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 900})  # A4 less the 12 mm margins, 96 px/in
    # header, navigation and buttons hidden; the heading for the first page shown
    assert not page.locator("header.q-header").is_visible()
    hidden = ("main-nav", "export-pdf", "export-csv", "back-to-unit-year", "chart-module-png")
    for test_id in hidden:
        assert not page.locator(f"[data-test={test_id}]").is_visible(), test_id
    assert heading.is_visible()
    text = heading.inner_text()
    assert LAB in text and str(year) in text
    assert f"set {year}.print" in text
    # the numbers, the change per module with every submodule, every chart and its table
    assert total.is_visible()
    shown = total.locator("[data-test=big-number-value]").inner_text()
    assert shown == page.evaluate(
        "kg => { const n = Number(kg); const f = (v, d) => new Intl.NumberFormat('en-GB',"
        " { maximumFractionDigits: d }).format(v);"
        " return Math.abs(n) >= 1000 ? f(n / 1000, Math.abs(n) >= 100000 ? 0 : 1) + ' t'"
        " : f(n, Math.abs(n) >= 100 ? 0 : 1) + ' kg' }",
        str(body["total"]["kg"]),
    )
    subs = page.locator("[data-test=change-table] .change-table__sub")
    assert subs.count() == len(change["by_submodule"])
    assert all(subs.nth(i).is_visible() for i in range(subs.count()))
    assert page.locator("[data-test=chart-scope-bars]").is_visible()
    for chart in ("chart-module", "chart-submodule", "chart-years", "chart-trajectory"):
        assert page.locator(f"[data-test={chart}] canvas").first.is_visible(), chart
        assert page.locator(f"[data-test={chart}-table]").is_visible(), chart
    # nothing wider than the printed page (the charts drawn at 1280 px scale down)
    width = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-test=results-page] canvas, [data-test=results-page] table')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert width <= page.evaluate("() => document.documentElement.clientWidth") + 1

    screenshot(page, "results-print")  # the print layout as one long page
    path = ARTIFACTS / "results-print.pdf"
    pdf = page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF-")
    pages = _pdf_pages(pdf)
    # key figures and change; charts by scope, module, submodule; largest entries; years
    # and trajectory: one section per page at least
    assert len(pages) >= 4, pages
    assert all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in pages), pages
