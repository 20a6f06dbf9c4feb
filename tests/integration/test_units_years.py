"""units and years functions through the gateway, against the real database."""

from __future__ import annotations

import httpx

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, _, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)


def test_anonymous_gets_problem_json(gateway):
    r = httpx.get(f"{gateway}/api/units")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"].endswith("/unauthenticated") and body["status"] == 401
    assert r.headers["X-Request-Id"]


def test_admin_sees_every_unit_paginated(sign_in, demo):
    admin = sign_in(ADMIN)
    r = admin.get("/api/units", params={"page": 1, "page_size": 20})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(demo.units) == 52
    assert len(body["items"]) == 20
    page3 = admin.get("/api/units", params={"page": 3, "page_size": 20}).json()
    assert len(page3["items"]) == 12
    codes = {u["code"] for u in body["items"] + page3["items"]}
    assert not codes & {
        u["code"]
        for u in admin.get("/api/units", params={"page": 2, "page_size": 20}).json()["items"]
    }


def test_filters_and_search(sign_in):
    admin = sign_in(ADMIN)
    faculties = admin.get("/api/units", params={"kind": "faculty"}).json()
    assert sorted(u["code"] for u in faculties["items"]) == ["ENAC", "IC", "SB", "STI", "SV"]
    # case-insensitive substring search over code and the three names
    hits = admin.get("/api/units", params={"q": "climate laboratory"}).json()
    assert sorted(u["code"] for u in hits["items"]) == [f"ENAC-CLIM-LAB{i}" for i in (1, 2, 3, 4)]
    assert admin.get("/api/units", params={"q": "Labor Climate"}).json()["total"] == 4  # de
    assert admin.get("/api/units", params={"q": "50%_"}).json()["total"] == 0  # literal
    levels = admin.get("/api/units", params={"level": 1}).json()
    assert levels["total"] == 5


def test_bad_query_is_a_field_error(sign_in):
    r = sign_in(ADMIN).get("/api/units", params={"page_size": 0, "bogus": 1})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"page_size", "bogus"}


def test_principal_sees_only_own_unit(sign_in):
    p = sign_in(PRINCIPAL)
    body = p.get("/api/units").json()
    assert [u["code"] for u in body["items"]] == ["ENAC-CLIM-LAB1"]
    own_id = body["items"][0]["id"]
    detail = p.get(f"/api/units/{own_id}").json()
    assert detail["my_roles"] == ["principal"]
    assert [m["display_name"] for m in detail["managers"]] == ["Paul Principal"]
    other = sign_in(OTHER).get("/api/units").json()["items"][0]
    r = p.get(f"/api/units/{other['id']}")
    assert r.status_code == 403


def test_affiliation_officer_sees_subtree(sign_in, demo):
    body = sign_in(OFFICER).get("/api/units", params={"page_size": 100}).json()
    enac = {u.code for u in demo.units if u.code == "ENAC" or u.code.startswith("ENAC-")}
    assert {u["code"] for u in body["items"]} == enac


def test_tree_has_ancestors_for_context(sign_in):
    roots = sign_in(MEMBER).get("/api/units/tree").json()
    assert [r["code"] for r in roots] == ["DIT"] and roots[0]["visible"] is False
    lab = roots[0]["children"][0]["children"][0]["children"][0]
    assert lab["code"] == "ENAC-CLIM-LAB1" and lab["visible"] is True


def test_create_year_makes_reports_for_active_units(sign_in, demo):
    admin = sign_in(ADMIN)
    r = admin.post("/api/years", json={"year": 2031})
    assert r.status_code == 201, r.text
    labs = sum(1 for u in demo.units if u.kind == "unit")
    assert r.json()["reports"] == labs and r.json()["status"] == "draft"
    again = admin.post("/api/years", json={"year": 2031})
    assert again.status_code == 409
    assert any(y["year"] == 2031 for y in admin.get("/api/years").json())
    assert admin.get("/api/years/2031").json()["reports"] == labs


def test_create_year_rules(sign_in):
    admin = sign_in(ADMIN)
    assert admin.post("/api/years", json={"year": 1999}).status_code == 422
    r = admin.post("/api/years", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400
    no_csrf = admin.client.post("/api/years", json={"year": 2032})
    assert no_csrf.status_code == 403 and no_csrf.json()["type"].endswith("/csrf")
    principal = sign_in(PRINCIPAL)
    assert principal.post("/api/years", json={"year": 2032}).status_code == 403
    assert admin.get("/api/years/2032").status_code == 404
