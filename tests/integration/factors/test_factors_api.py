"""factors function through the gateway, against the real database.

Factor sets are loaded into years no other test uses (2061–2069): factor_set
rows are global to the run's database.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from co2calc.demo import DEMO_USERS
from co2calc.factors.parse import COLUMNS

ADMIN, PRINCIPAL, MEMBER, _, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
CSV = {"content-type": "text/csv"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shipped_csv(year: int = 2025) -> str:
    return (
        resources.files("co2calc.data.factors").joinpath(f"factors-{year}.csv").read_text("utf-8")
    )


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def count_sets() -> int:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return conn.execute("select count(*) as n from factor_set").fetchone()["n"]


def test_load_shipped_2025_csv_reports_diff_and_browses(sign_in):
    admin = sign_in(ADMIN)
    # GIVEN no stored or shipped set for 2061
    # WHEN the shipped 2025 file is loaded for it
    r = admin.post(
        "/api/factors/sets/2061",
        params={"version": "2061.1"},
        content=shipped_csv().encode(),
        headers=dict(CSV),
    )
    # THEN everything is added, the set is active and a recalculation was requested
    assert r.status_code == 201, r.text
    body = r.json()
    n = len(rows_of(shipped_csv()))
    assert body["set"] == body["set"] | {"year": 2061, "version": "2061.1", "active": True}
    assert body["set"]["row_count"] == n and body["set"]["shipped"] is False
    assert body["previous_version"] is None
    assert len(body["diff"]["added"]) == n and body["diff"]["stale"] == []
    assert body["recalculation_event"]

    # the same version twice is a conflict
    again = admin.post(
        "/api/factors/sets/2061", params={"version": "2061.1"}, content=b"x\n", headers=dict(CSV)
    )
    assert again.status_code == 409

    # listed with the shipped defaults
    sets = sign_in(MEMBER).get("/api/factors/sets").json()
    assert any(s["year"] == 2061 and s["version"] == "2061.1" and s["active"] for s in sets)
    shipped = [s for s in sets if s["shipped"]]
    assert {s["year"] for s in shipped} >= {2024, 2025} and all(
        s["loaded_at"] is None for s in shipped
    )

    # browse and search (any signed-in user)
    member = sign_in(MEMBER)
    page = member.get(
        "/api/factors/sets/2061/factors", params={"module": "travel", "submodule": "plane"}
    ).json()
    assert page["total"] == 12
    band = next(f for f in page["items"] if f["key"] == "band:0-1000")
    assert band["value"] == "0.2586" and band["unit"] == "kg/pkm" and band["non_co2"] == "included"
    assert band["source"].startswith("ADEME") and band["source_year"] == 2022
    assert band["licence"] and band["gwp_set"] == "AR5"
    hits = member.get("/api/factors/sets/2061/factors", params={"q": "BAFU"}).json()
    assert any(f["factor_id"] == "energy.electricity" for f in hits["items"])
    # the shipped 2025 set is browsable although nothing is stored for 2025
    shipped_page = member.get("/api/factors/sets/2025/factors", params={"page_size": 5}).json()
    assert shipped_page["total"] == n and len(shipped_page["items"]) == 5
    assert member.get("/api/factors/sets/2099/factors").status_code == 404

    # export round-trips through the loader
    exported = member.get("/api/factors/sets/2061/export", params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    from co2calc.factors import load_factor_csv, load_shipped_factor_set

    back = load_factor_csv(exported.text, version="x", year=2061)
    assert back.by_key() == load_shipped_factor_set(2025).by_key() | {}  # same factors
    assert admin.get("/api/factors/sets/2025/export").text.count("\n") == n + 1


def test_invalid_file_lists_every_error_and_stores_nothing(sign_in):
    admin = sign_in(ADMIN)
    rows = rows_of(shipped_csv())
    elec = next(r for r in rows if r["factor_id"] == "energy.electricity")
    bad = [
        elec | {"value": "2.0"},  # row 1: implausible electricity
        rows[0] | {"value": "-0.1"},  # row 2: negative
        rows[1] | {"source": ""},  # row 3: missing source
        rows[2],  # row 4: fine
        rows[2] | {"factor_id": "plane.dup"},  # row 5: duplicate match key
        rows[3] | {"uncertainty": "abc"},  # row 6: non-numeric
    ]
    before = count_sets()
    r = admin.post(
        "/api/factors/sets/2062", params={"version": "bad"}, content=to_csv(bad), headers=dict(CSV)
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    errors = r.json()["errors"]
    got = {(e["row"], e["field"], e["type"]) for e in errors}
    assert (1, "value", "implausible") in got
    assert (2, "value", "implausible") in got
    assert (3, "source", "missing") in got
    assert (5, "key", "duplicate") in got
    assert (6, "uncertainty", "not_a_number") in got
    assert all(e["loc"] == ["row", e["row"], e["field"]] and e["message"] for e in errors)
    assert count_sets() == before

    # a wrong media type and an oversized body are refused before parsing
    assert (
        admin.post("/api/factors/sets/2062", params={"version": "v"}, json={"a": 1}).status_code
        == 415
    )
    big = b"a" * (20 * 1024 * 1024 + 1)
    assert (
        admin.post(
            "/api/factors/sets/2062", params={"version": "v"}, content=big, headers=dict(CSV)
        ).status_code
        == 413
    )
    # version is required
    missing = admin.post("/api/factors/sets/2062", content=shipped_csv(), headers=dict(CSV))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "version"
    assert count_sets() == before


def test_xlsx_load_and_stale_on_reload(sign_in):
    from openpyxl import Workbook

    admin = sign_in(ADMIN)
    rows = rows_of(shipped_csv())
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for r in rows:
        ws.append([r[c] for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    r = admin.post(
        "/api/factors/sets/2063",
        params={"version": "2063.1"},
        content=buf.getvalue(),
        headers={"content-type": XLSX_TYPE},
    )
    assert r.status_code == 201, r.text
    assert r.json()["set"]["row_count"] == len(rows)

    # re-load without two factors and with one changed value: stale and changed are reported
    dropped = {"train.IT", "train.AT"}
    changed = [
        r | {"value": "0.2"} if r["factor_id"] == "plane.0-1000" else r
        for r in rows
        if r["factor_id"] not in dropped
    ]
    again = admin.post(
        "/api/factors/sets/2063",
        params={"version": "2063.2", "activate": "false"},
        content=to_csv(changed),
        headers=dict(CSV),
    )
    assert again.status_code == 201, again.text
    body = again.json()
    assert body["previous_version"] == "2063.1"
    assert set(body["diff"]["stale"]) == dropped and body["diff"]["added"] == []
    assert [c["factor_id"] for c in body["diff"]["changed"]] == ["plane.0-1000"]
    assert body["diff"]["changed"][0]["new_value"] == "0.2"
    assert body["set"]["active"] is False and body["recalculation_event"] is None
    # activating it later switches the browsed set
    act = admin.put("/api/factors/sets/2063/active", json={"version": "2063.2"})
    assert act.status_code == 200 and act.json()["active"] is True
    page = admin.get("/api/factors/sets/2063/factors", params={"q": "plane.0-1000"}).json()
    assert page["items"][0]["value"] == "0.2"
    old = admin.get(
        "/api/factors/sets/2063/factors", params={"version": "2063.1", "q": "plane.0-1000"}
    ).json()
    assert old["items"][0]["value"] == "0.2586"

    not_xlsx = admin.post(
        "/api/factors/sets/2063",
        params={"version": "2063.3"},
        content=b"not a zip",
        headers={"content-type": XLSX_TYPE},
    )
    assert not_xlsx.status_code == 400


def test_autocomplete_airports_and_stations(sign_in):
    member = sign_in(MEMBER)
    for q in ("gva", "geneva", "GVA", "Geneva Cointrin"):
        r = member.get("/api/factors/airports", params={"q": q})
        assert r.status_code == 200, r.text
        assert "GVA" in [a["iata"] for a in r.json()[:3]], q
    st = member.get("/api/factors/stations", params={"q": "lausanne", "limit": 5}).json()
    assert st[0]["name"] == "Lausanne" and st[0]["country"] == "CH"
    assert len(member.get("/api/factors/airports", params={"q": "a", "limit": 3}).json()) == 3
    assert member.get("/api/factors/airports", params={"q": ""}).status_code == 422


def test_reference_tables(sign_in):
    member = sign_in(MEMBER)
    power = member.get("/api/factors/power-table", params={"q": "freezer"}).json()
    assert power and all("freezer" in (p["cls"] + p["subclass"]).lower() for p in power)
    fx = member.get("/api/factors/fx", params={"year": 2024}).json()
    assert {r["currency"] for r in fx} >= {"CHF", "USD"} and all(r["source"] for r in fx)
    hicp = member.get("/api/factors/hicp").json()
    assert any(p["year"] == 2019 for p in hicp)


def test_room_upload_all_or_nothing_and_upsert(sign_in):
    admin = sign_in(ADMIN)
    good = (
        "building,room,surface_m2,room_type,heating_carrier\n"
        "TSTBLD,001,20.5,office,district_heating\n"
        "TSTBLD,002,80,laboratory,\n"
    )
    r = admin.put("/api/factors/rooms", content=good, headers=dict(CSV))
    assert r.status_code == 200, r.text
    assert r.json() == {"rows": 2, "inserted": 2, "updated": 0}
    # semicolons and decimal comma; one update, one insert
    r = admin.put(
        "/api/factors/rooms",
        content="building;room;surface_m2;room_type\nTSTBLD;001;21,5;office\nTSTBLD;003;9;archive\n",
        headers=dict(CSV),
    )
    assert r.json() == {"rows": 2, "inserted": 1, "updated": 1}
    listed = sign_in(MEMBER).get("/api/factors/rooms", params={"building": "TSTBLD"}).json()
    assert listed["total"] == 3
    assert [x["surface_m2"] for x in listed["items"]] == ["21.5", "80", "9"]
    assert listed["items"][1]["heating_carrier"] == "district_heating"

    bad = (
        "building,room,surface_m2,room_type\n"
        "TSTBLD,004,-3,office\n"
        "TSTBLD,005,10,kitchen\n"
        "TSTBLD,006,abc,office\n"
        "TSTBLD,006,10,office\n"
        "TSTBLD,006,10,office\n"
    )
    r = admin.put("/api/factors/rooms", content=bad, headers=dict(CSV))
    assert r.status_code == 422
    got = {(e["row"], e["field"]) for e in r.json()["errors"]}
    assert got == {(1, "surface_m2"), (2, "room_type"), (3, "surface_m2"), (5, "room")}
    assert sign_in(MEMBER).get("/api/factors/rooms", params={"q": "TSTBLD 00"}).json()["total"] == 3

    # a file of another type is refused with 415, naming the accepted type; nothing changes
    r = admin.put(
        "/api/factors/rooms", content=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}
    )
    assert r.status_code == 415 and r.headers["content-type"] == "application/problem+json"
    assert "text/csv" in r.json()["detail"] and "application/pdf" in r.json()["detail"]
    r = admin.put("/api/factors/rooms", content=b" \n", headers=dict(CSV))
    assert r.status_code == 400 and "empty" in r.json()["detail"]
    # a NUL byte (binary content; PostgreSQL text cannot store it) is a 400, not a crash
    r = admin.put(
        "/api/factors/rooms",
        content=b"building,room,surface_m2,room_type\nTST\x00BLD,007,10,office\n",
        headers=dict(CSV),
    )
    assert r.status_code == 400 and "NUL" in r.json()["detail"]
    assert sign_in(MEMBER).get("/api/factors/rooms", params={"q": "TSTBLD 00"}).json()["total"] == 3


def test_non_admins_are_refused_on_admin_routes(sign_in):
    for person in (PRINCIPAL, MEMBER, OFFICER, OTHER):
        c = sign_in(person)
        assert (
            c.post(
                "/api/factors/sets/2064",
                params={"version": "x"},
                content=shipped_csv(),
                headers=dict(CSV),
            ).status_code
            == 403
        )
        assert c.put("/api/factors/sets/2061/active", json={"version": "2061.1"}).status_code == 403
        assert (
            c.put("/api/factors/rooms", content="building,room\n", headers=dict(CSV)).status_code
            == 403
        )
        # browsing stays open
        assert c.get("/api/factors/sets").status_code == 200
        assert c.get("/api/factors/airports", params={"q": "gva"}).status_code == 200
