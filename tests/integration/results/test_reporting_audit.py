"""reporting and audit functions against the real database: scope, totals, exports, access."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl

from .conftest import ADMIN, MEMBER, OFFICER, OTHER, PRINCIPAL

D = Decimal


def test_officer_reports_within_enac(sign_in, results_data):
    officer = sign_in(OFFICER)
    r = officer.get("/api/reporting/units", params={"year": 2081, "page_size": 500})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"]) > 1
    assert all(u["unit_code"].startswith("ENAC-") for u in body["items"])
    lab1 = next(u for u in body["items"] if u["unit_id"] == results_data.lab1)
    # 7,009.3 kg (see test_results.py), 8 modules, none validated, 2.804 t per FTE
    assert D(lab1["kg"]) == D("7009.3") and lab1["modules"] == 8
    assert lab1["completion_rate"] == 0 and D(lab1["per_fte_t"]) == D("2.804")
    assert lab1["flagged_entries"] == 1
    # filters: module status and sort
    r = officer.get(
        "/api/reporting/units",
        params={"year": 2081, "module": "buildings", "module_status": "in_progress"},
    )
    assert [u["unit_id"] for u in r.json()["items"]] == [results_data.lab1]
    r = officer.get("/api/reporting/units", params={"year": 2081, "sort": "-kg", "page_size": 1})
    assert r.json()["items"][0]["unit_id"] == results_data.lab1 and r.json()["total"] > 1
    # outside the affiliation: refused
    r = officer.get("/api/reporting/units", params={"year": 2081, "subtree": results_data.sb_lab})
    assert r.status_code == 403


def test_summary_aggregates_and_ranking(sign_in, results_data):
    body = sign_in(OFFICER).get(
        "/api/reporting/summary", params={"year": 2081, "subtree": results_data.enac}
    )
    assert body.status_code == 200, body.text
    s = body.json()
    assert D(s["total_kg"]) == D("7009.3")  # only LAB1 has 2081 data
    assert {k: D(v) for k, v in s["by_module"].items()} == {
        "buildings": D("2724.3"),
        "headcount": D(1685),
        "process-emissions": D(2600),
    }
    assert {k: D(v) for k, v in s["by_scope"].items()} == {"1": D("5324.3"), "3": D(1685)}
    assert s["ranking_total"][0]["unit_id"] == results_data.lab1
    assert s["ranking_per_fte"][0]["unit_id"] == results_data.lab1
    assert s["completion_rate"] == 0 and s["signed_off"] == 0
    assert {m["module"] for m in s["modules"]} >= {"buildings", "travel"}
    no_est = sign_in(ADMIN).get(
        "/api/reporting/summary", params={"year": 2081, "include_estimates": "false"}
    )
    assert D(no_est.json()["total_kg"]) == D("5324.3")
    sb = sign_in(ADMIN).get(
        "/api/reporting/summary", params={"year": 2081, "subtree": results_data.sb_lab}
    )
    assert sb.json()["units"] == 1 and D(sb.json()["total_kg"]) == 0


def test_reporting_exports(sign_in, results_data):
    officer = sign_in(OFFICER)
    r = officer.get("/api/reporting/export", params={"year": 2081, "format": "csv"})
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    lab1 = next(x for x in rows if x["unit_id"] == str(results_data.lab1))
    assert D(lab1["kg"]) == D("7009.3")
    assert all(x["unit_code"].startswith("ENAC-") for x in rows)
    r = officer.get("/api/reporting/export", params={"year": 2081, "format": "xlsx"})
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert {"units", "by_module", "by_scope", "completion"} <= set(wb.sheetnames)
    by_module = dict(wb["by_module"].iter_rows(min_row=2, values_only=True))
    assert by_module["buildings"] == 2724.3


def test_reporting_refused_to_unit_roles(sign_in, results_data):
    for who in (MEMBER, PRINCIPAL, OTHER):
        caller = sign_in(who)
        for path in ("/api/reporting/units", "/api/reporting/summary", "/api/reporting/export"):
            assert caller.get(path, params={"year": 2081}).status_code == 403, (who, path)


def test_audit_admin_only_with_filters(sign_in, results_data):
    admin = sign_in(ADMIN)
    params = {"resource": "entry", "unit_id": results_data.lab1, "actor_id": admin.user_id}
    r = admin.get("/api/audit", params=params | {"page_size": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] >= 14 and len(body["items"]) == 5  # 7 + 6 + 1 entries in conftest
    assert all(i["resource"] == "entry" and i["action"] == "create" for i in body["items"])
    assert admin.get("/api/audit", params={"since": "2999-01-01T00:00:00Z"}).json()["total"] == 0
    assert admin.get("/api/audit", params={"until": "2000-01-01T00:00:00Z"}).json()["total"] == 0
    assert admin.get("/api/audit", params={"action": "nope"}).status_code == 422
    r = admin.get("/api/audit/export", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == body["total"] and rows[0]["resource"] == "entry"
    for who in (MEMBER, PRINCIPAL, OFFICER, OTHER):
        caller = sign_in(who)
        assert caller.get("/api/audit").status_code == 403
        assert caller.get("/api/audit/export").status_code == 403
