"""reports function: module validation, sign-off and freeze, against the real database."""

from __future__ import annotations

from co2calc.demo import DEMO_USERS
from co2calc.modules import MODULES

ADMIN, PRINCIPAL, MEMBER, _, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)


def _report_id(caller, year: int) -> int:
    unit = caller.get("/api/units", params={"q": "ENAC-CLIM-LAB1"}).json()["items"][0]
    r = caller.get(f"/api/reports/unit/{unit['id']}/{year}")
    assert r.status_code == 200, r.text
    return r.json()["id"]


def test_validate_all_modules_then_sign_off(sign_in):
    admin, principal = sign_in(ADMIN), sign_in(PRINCIPAL)
    assert admin.post("/api/years", json={"year": 2033}).status_code == 201
    rid = _report_id(principal, 2033)
    report = principal.get(f"/api/reports/{rid}").json()
    assert {m["module"] for m in report["modules"]} == set(MODULES)
    assert all(m["status"] == "not_started" for m in report["modules"])

    early = principal.post(f"/api/reports/{rid}/sign-off")
    assert early.status_code == 409
    assert {e["field"] for e in early.json()["errors"]} == set(MODULES)

    for module in MODULES:
        r = principal.put(f"/api/reports/{rid}/modules/{module}", json={"status": "validated"})
        assert r.status_code == 200, r.text
    done = principal.post(f"/api/reports/{rid}/sign-off")
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "signed_off" and len(body["frozen_inputs_hash"]) == 64

    # frozen: no module may be reopened, no second sign-off
    reopen = principal.put(f"/api/reports/{rid}/modules/travel", json={"status": "in_progress"})
    assert reopen.status_code == 409
    assert principal.post(f"/api/reports/{rid}/sign-off").status_code == 409
    # every status change is in the audit trail
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        n = conn.execute(
            "select count(*) as n from audit_log where resource = 'module_status'"
            " and resource_id like %s",
            (f"{rid}/%",),
        ).fetchone()["n"]
    assert n == len(MODULES)


def test_only_managers_validate(sign_in):
    admin, member, other = sign_in(ADMIN), sign_in(MEMBER), sign_in(OTHER)
    assert admin.post("/api/years", json={"year": 2034}).status_code == 201
    rid = _report_id(member, 2034)
    r = member.put(f"/api/reports/{rid}/modules/travel", json={"status": "validated"})
    assert r.status_code == 403
    # another unit's report is invisible to RLS: not found, not merely forbidden
    assert other.get(f"/api/reports/{rid}").status_code == 404
    r = other.put(f"/api/reports/{rid}/modules/travel", json={"status": "validated"})
    assert r.status_code == 404
    bad = sign_in(PRINCIPAL).put(f"/api/reports/{rid}/modules/travel", json={"status": "done"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    assert (
        sign_in(PRINCIPAL)
        .put(f"/api/reports/{rid}/modules/nope", json={"status": "validated"})
        .status_code
        == 404
    )


def test_list_reports_scoped(sign_in):
    officer = sign_in(OFFICER)
    sign_in(ADMIN).post("/api/years", json={"year": 2035})
    body = officer.get("/api/reports", params={"year": 2035, "page_size": 100}).json()
    assert body["total"] == sum(1 for r in body["items"]) > 0
    assert all(r["unit_code"].startswith("ENAC-") for r in body["items"])
