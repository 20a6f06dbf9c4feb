"""years function: completeness check, opening, objectives — real database, through the gateway.

Years 2016 and 2018 are used only here (FX and HICP exist for them, so a
year can become ready).
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from co2calc.demo import DEMO_USERS
from co2calc.factors.parse import COLUMNS

ADMIN, PRINCIPAL, MEMBER, _, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)


def factor_file(extra: list[dict[str, str]] = ()) -> str:
    text = resources.files("co2calc.data.factors").joinpath("factors-2025.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text))) + list(extra)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", restval="")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def add_flagged_entries(year: int) -> None:
    """What an institution-wide import would leave: entries that computed to nothing."""
    from psycopg.types.json import Jsonb

    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        report = conn.execute(
            "select id, unit_id from report where year = %s order by id limit 1", (year,)
        ).fetchone()
        for sub, data, reason, detail in (
            ("rooms", {"building": "YRSBLD", "room": "101"}, "missing_room", "YRSBLD 101"),
            (
                "combustion",
                {"fuel": "peat", "unit": "kWh", "quantity": "1000"},
                "no_matching_factor",
                "no factor for fuel peat",
            ),
        ):
            conn.execute(
                "insert into entry (report_id, unit_id, year, module, submodule, data, source,"
                " flag_reason, flag_detail) values (%s, %s, %s, 'buildings', %s, %s, 'import',"
                " %s, %s)",
                (report["id"], report["unit_id"], year, sub, Jsonb(data), reason, detail),
            )


def problems(body: dict, module: str) -> dict[str, dict]:
    m = next(x for x in body["modules"] if x["module"] == module)
    return {p["kind"]: p for p in m["problems"]}


def test_completeness_gates_opening(sign_in):
    admin = sign_in(ADMIN)
    assert admin.post("/api/years", json={"year": 2018}).status_code == 201

    # GIVEN a year without any factor set
    c = admin.get("/api/years/2018/completeness")
    assert c.status_code == 200, c.text
    body = c.json()
    assert body["ready"] is False and body["factor_set"] is None
    assert [p["kind"] for p in body["problems"]] == ["no_factor_set"]
    # THEN opening is refused with the problems
    r = admin.put("/api/years/2018/status", json={"status": "open"})
    assert r.status_code == 409
    assert {e["type"] for e in r.json()["errors"]} >= {"no_factor_set"}

    # GIVEN a factor set, and imported entries that compute to nothing
    loaded = admin.post(
        "/api/factors/sets/2018",
        params={"version": "2018.1"},
        content=factor_file(),
        headers={"content-type": "text/csv"},
    )
    assert loaded.status_code == 201, loaded.text
    add_flagged_entries(2018)
    body = admin.get("/api/years/2018/completeness").json()
    assert body["factor_set"] == {
        "version": "2018.1",
        "origin": "stored",
        "row_count": loaded.json()["set"]["row_count"],
        "gwp_set": "AR5",
    }
    assert body["problems"] == [] and body["ready"] is False
    buildings = next(m for m in body["modules"] if m["module"] == "buildings")
    assert buildings["entries"] == 2 and buildings["flagged"] == 2 and not buildings["ready"]
    found = problems(body, "buildings")
    assert (
        found["rooms_missing"]["details"] == ["YRSBLD 101"] and found["rooms_missing"]["blocking"]
    )
    flagged = found["flagged_entries"]
    assert flagged["count"] == 2 and flagged["blocking"]
    assert any("no factor for fuel peat" in d for d in flagged["details"])
    assert all(m["ready"] for m in body["modules"] if m["module"] != "buildings")
    assert admin.put("/api/years/2018/status", json={"status": "open"}).status_code == 409

    # WHEN the room and the missing factor are supplied
    rooms = admin.put(
        "/api/factors/rooms",
        content="building,room,surface_m2,room_type\nYRSBLD,101,30,office\n",
        headers={"content-type": "text/csv"},
    )
    assert rooms.status_code == 200, rooms.text
    peat = {
        "factor_id": "fuel.peat",
        "module": "buildings",
        "submodule": "combustion",
        "key": "peat:kWh",
        "value": "0.38",
        "unit": "kg/kWh",
        "uncertainty": "0.2",
        "source": "test",
    }
    r = admin.post(
        "/api/factors/sets/2018",
        params={"version": "2018.2"},
        content=factor_file([peat]),
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["diff"]["added"] == ["fuel.peat"]

    # THEN the year is ready (the flags clear on recalculation) and opens
    body = admin.get("/api/years/2018/completeness").json()
    assert body["ready"] is True, body
    pending = problems(body, "buildings")["recalculation_pending"]
    assert pending["count"] == 2 and not pending["blocking"]
    opened = admin.put("/api/years/2018/status", json={"status": "open"})
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "open" and opened.json()["opened_at"]
    closed = admin.put("/api/years/2018/status", json={"status": "closed"})
    assert closed.json()["status"] == "closed"

    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        audits = conn.execute(
            "select after from audit_log where resource = 'year' and resource_id = '2018'"
            " order by id"
        ).fetchall()
    assert [a["after"]["status"] for a in audits] == ["open", "closed"]


def test_force_open_is_explicit_and_audited(sign_in):
    admin = sign_in(ADMIN)
    assert admin.post("/api/years", json={"year": 2016}).status_code == 201
    assert admin.put("/api/years/2016/status", json={"status": "open"}).status_code == 409
    forced = admin.put("/api/years/2016/status", json={"status": "open", "force": True})
    assert forced.status_code == 200 and forced.json()["status"] == "open"
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        after = conn.execute(
            "select after from audit_log where resource = 'year' and resource_id = '2016'"
        ).fetchone()["after"]
    assert after["forced"] is True and after["overridden"][0]["kind"] == "no_factor_set"
    assert admin.get("/api/years/2099/completeness").status_code == 404


def test_objectives_default_validation_and_trajectory(sign_in):
    admin, member = sign_in(ADMIN), sign_in(MEMBER)
    admin.post("/api/years", json={"year": 2016})  # may exist from the test above

    default = member.get("/api/years/2016/objectives")
    assert default.status_code == 200, default.text
    body = default.json()
    assert body["default"] is True
    assert body["objectives"] == {
        "baseline_year": 2019,
        "targets": [{"year": 2030, "reduction": 0.4}, {"year": 2040, "reduction": 0.9}],
    }
    points = {p["year"]: p for p in body["trajectory"]}
    assert sorted(points) == list(range(2019, 2041))
    assert points[2019]["reduction"] == 0 and points[2030]["reduction"] == 0.4
    assert points[2035]["reduction"] == 0.65 and points[2040]["share_of_baseline"] == 0.1

    bad = admin.put(
        "/api/years/2016/objectives",
        json={"baseline_year": 2019, "targets": [{"year": 2030, "reduction": 1.5}]},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "targets.0.reduction"
    bad = admin.put(
        "/api/years/2016/objectives",
        json={
            "baseline_year": 2019,
            "targets": [
                {"year": 2018, "reduction": 0.2},
                {"year": 2040, "reduction": 0.5},
                {"year": 2035, "reduction": 0.4},
            ],
        },
    )
    assert bad.status_code == 422
    assert {(e["field"], e["type"]) for e in bad.json()["errors"]} == {
        ("targets.0.year", "after_baseline"),
        ("targets.2.year", "not_increasing"),
        ("targets.2.reduction", "not_increasing"),
    }

    mine = {"baseline_year": 2020, "targets": [{"year": 2025, "reduction": 0.5}]}
    put = admin.put("/api/years/2016/objectives", json=mine)
    assert put.status_code == 200, put.text
    got = member.get("/api/years/2016/objectives").json()
    assert got["default"] is False and got["objectives"] == mine
    assert [p["reduction"] for p in got["trajectory"]] == [0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert member.get("/api/years/2099/objectives").status_code == 404


def test_non_admins_get_403_on_admin_routes(sign_in):
    sign_in(ADMIN).post("/api/years", json={"year": 2016})
    for person in (PRINCIPAL, MEMBER, OFFICER, OTHER):
        c = sign_in(person)
        assert c.get("/api/years/2016/completeness").status_code == 403
        assert c.put("/api/years/2016/status", json={"status": "closed"}).status_code == 403
        objectives = {"baseline_year": 2019, "targets": [{"year": 2030, "reduction": 0.4}]}
        assert c.put("/api/years/2016/objectives", json=objectives).status_code == 403
        assert c.get("/api/years/2016/objectives").status_code == 200
