"""headcount: duplicate person ids, validation (422, nothing written), module status, audit."""

from __future__ import annotations

from decimal import Decimal

from co2calc.db import transaction
from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2072


def _count(year: int, module: str) -> int:
    with transaction(all_units=True) as conn:
        return conn.execute(
            "select count(*) as n from entry where year = %s and module = %s", (year, module)
        ).fetchone()["n"]


def _module_status(unit_id: int, year: int, module: str) -> str:
    with transaction(all_units=True) as conn:
        return conn.execute(
            "select m.status from module_status m join report r on r.id = m.report_id"
            " where r.unit_id = %s and r.year = %s and m.module = %s",
            (unit_id, year, module),
        ).fetchone()["status"]


def test_members_crud_duplicate_and_status(open_year, lab, entries, shipped_factor):
    open_year(YEAR)
    principal = entries(PRINCIPAL, "headcount", lab, YEAR)
    assert _module_status(lab, YEAR, "headcount") == "not_started"
    ada = {"name": "Ada", "staff_category": "53", "person_id": "P-1", "fte": 0.8}
    r = principal.create("members", ada)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["data"]["fte"] == 0.8 and body["flag"] is None
    # no emissions of its own: the per-FTE additional estimates (spec §4.9)
    per_fte = sum(
        shipped_factor(f"additional.{c}.staff.activity")
        * shipped_factor(f"additional.{c}.staff.factor")
        for c in ("commuting", "food", "waste")
    )
    assert Decimal(body["kg_co2e"]) == Decimal("0.8") * per_fte and body["estimate"] is True
    assert _module_status(lab, YEAR, "headcount") == "in_progress"

    dup = principal.create("members", ada | {"name": "Ada again"})
    assert dup.status_code == 409
    assert dup.headers["content-type"].startswith("application/problem+json")
    assert dup.json()["errors"][0]["field"] == "data.person_id"
    # editing another member onto an existing person id is refused too
    bob = principal.create("members", ada | {"name": "Bob", "person_id": "P-2"}).json()
    clash = principal.update("members", bob["id"], bob["data"] | {"person_id": "P-1"}, 1)
    assert clash.status_code == 409
    # but re-saving a member with its own person id is fine
    ok = principal.update("members", bob["id"], bob["data"] | {"fte": 0.5}, 1)
    assert ok.status_code == 200, ok.text

    students = principal.create("students", {"fte": 12.5})
    assert students.status_code == 201, students.text

    listed = principal.list("members", sort="-fte", staff_category="53").json()
    assert [i["data"]["name"] for i in listed["items"]] == ["Ada", "Bob"]
    assert principal.list("members", q="bob").json()["total"] == 1

    with transaction(all_units=True) as conn:
        actions = [
            r["action"]
            for r in conn.execute(
                "select action from audit_log where resource = 'entry' and resource_id = %s"
                " order by id",
                (str(bob["id"]),),
            ).fetchall()
        ]
    assert actions == ["create", "update"]


def test_invalid_body_is_422_and_nothing_written(open_year, lab, entries):
    open_year(YEAR)
    principal = entries(PRINCIPAL, "headcount", lab, YEAR)
    before = _count(YEAR, "headcount")
    r = principal.create(
        "members", {"name": "", "staff_category": "99", "person_id": "P-9", "fte": 1.5}
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"data.name", "data.staff_category", "data.fte"}
    assert all(e["loc"][:2] == ["body", "data"] for e in r.json()["errors"])
    extra = principal.create("members", {"name": "X", "staff_category": "51", "person_id": "Q",
                                          "fte": 1, "salary": 1})  # fmt: skip
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "data.salary"
    assert (
        principal.caller.post(principal.url("members"), json={"note": "no data"}).status_code == 422
    )
    # a NUL character anywhere (PostgreSQL text cannot hold one) is a field error, not a 500
    nul = principal.create(
        "members", {"name": "A\u0000B", "staff_category": "51", "person_id": "N", "fte": 1},
        note="x\u0000",
    )  # fmt: skip
    assert nul.status_code == 422
    assert {(e["field"], e["type"]) for e in nul.json()["errors"]} == {
        ("data.name", "string_nul"),
        ("note", "string_nul"),
    }
    search = principal.list("members", q="A\u0000")
    assert search.status_code == 422 and search.json()["errors"][0]["loc"] == ["query", "q"]
    assert _count(YEAR, "headcount") == before


def test_members_may_not_touch_headcount(open_year, lab, entries):
    open_year(YEAR)
    member = entries(MEMBER, "headcount", lab, YEAR)
    assert member.list("members").status_code == 403
    r = member.create("members", {"name": "M", "staff_category": "54", "person_id": "M1", "fte": 1})
    assert r.status_code == 403
