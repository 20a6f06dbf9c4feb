"""Research-facilities table (product spec §4.8): admins load it, everyone signed in reads it.

Through the gateway against the real database. Years: 2150-2154 for the table
alone (research_facility has no year check). The two tests that need real
reports (a footprint taken from a unit's report, entries computed with the
loaded facilities) use reporting year 2098: reporting_year only accepts
2000-2100 (migration 0001) and the years API ``le=2100``, so no year of
2150-2159 can hold a report.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, COLLEAGUE, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
CSV = {"content-type": "text/csv"}
HEADER = "facility,unit_code,use_unit,total_use,source,footprint_kg,uncertainty\n"
REPORT_YEAR = 2098
SHIPPED = (
    Path(__file__).resolve().parents[3]
    / "lib"
    / "co2calc"
    / "data"
    / "factors"
    / "factors-2025.csv"
)


def url(year: int) -> str:
    return f"/api/factors/facilities/{year}"


def listed(caller, year: int, **params) -> dict:
    r = caller.get(url(year), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def by_name(caller, year: int) -> dict[str, dict]:
    return {f["name"]: f for f in listed(caller, year, page_size=500)["items"]}


def kg(footprint: dict[str, str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in footprint.items()}


def shipped_factor(factor_id: str) -> Decimal:
    with SHIPPED.open(encoding="utf-8") as f:
        return next(Decimal(r["value"]) for r in csv.DictReader(f) if r["factor_id"] == factor_id)


def test_use_units_are_the_entry_models():
    from co2calc.calc.entries.facilities import FacilityUnit
    from co2calc.models.factors import FacilityUseUnit

    assert set(get_args(FacilityUseUnit)) == {u.value for u in FacilityUnit}


def test_admin_loads_reloads_and_everyone_reads(sign_in, pg):
    admin, member = sign_in(ADMIN), sign_in(MEMBER)
    # GIVEN no facilities for 2150
    assert listed(member, 2150)["total"] == 0
    # WHEN the admin loads an animal facility with two sources and two common ones
    body = (
        HEADER + "Animal house,SB-ENER-LAB1,animal_housings,1200,energy,90000,0.25\n"
        "Animal house,SB-ENER-LAB1,animal_housings,1200,food_and_bedding,25000.5,0.25\n"
        "Microscopy,,hours,4000,,60000,\n"
        "Cluster,,CHF,250000.75,,12000,0.1\n"
    )
    r = admin.put(url(2150), content=body.encode(), headers=dict(CSV))
    # THEN all are stored (2150 has no reporting year: no recalculation requested)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "rows": 4,
        "facilities": 3,
        "inserted": 3,
        "updated": 0,
        "computed": [],
        "recalculation_event": None,
    }
    # and any signed-in user reads them, with the unit's code and per-source footprint
    got = by_name(member, 2150)
    assert set(got) == {"Animal house", "Microscopy", "Cluster"}
    animal = got["Animal house"]
    assert animal["unit_code"] == "SB-ENER-LAB1" and animal["unit_id"] is not None
    assert animal["use_unit"] == "animal_housings" and Decimal(animal["total_use"]) == 1200
    assert kg(animal["footprint_kg"]) == {
        "energy": Decimal(90000),
        "food_and_bedding": Decimal("25000.5"),
    }
    assert Decimal(animal["footprint_total_kg"]) == Decimal("115000.5")  # 90,000 + 25,000.5
    assert animal["uncertainty"] == 0.25
    micro = got["Microscopy"]
    assert micro["unit_id"] is None and micro["uncertainty"] == 0.3  # the default
    assert kg(micro["footprint_kg"]) == {"total": Decimal(60000)}
    assert Decimal(got["Cluster"]["total_use"]) == Decimal("250000.75")

    # paginated and filtered like the room list (q on name or unit code)
    page = listed(member, 2150, page_size=1, page=2)  # by name: Animal house, Cluster, …
    assert page["total"] == 3 and [i["name"] for i in page["items"]] == ["Cluster"]
    assert [i["name"] for i in listed(member, 2150, q="micro")["items"]] == ["Microscopy"]
    assert [i["name"] for i in listed(member, 2150, q="sb-ener")["items"]] == ["Animal house"]

    # WHEN the animal facility is loaded again with one source and a new total use
    again = HEADER + "Animal house,,animal_housings,1000,,80000,\n"
    r = admin.put(url(2150), content=again.encode(), headers=dict(CSV))
    assert r.status_code == 200, r.text
    assert (r.json()["inserted"], r.json()["updated"]) == (0, 1)
    # THEN its footprint is replaced whole and the facilities absent from the file are kept
    got = by_name(member, 2150)
    assert set(got) == {"Animal house", "Microscopy", "Cluster"}
    assert kg(got["Animal house"]["footprint_kg"]) == {"total": Decimal(80000)}
    assert (
        got["Animal house"]["unit_id"] is None and Decimal(got["Animal house"]["total_use"]) == 1000
    )

    # every load is audited
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        audits = conn.execute(
            "select after from audit_log where resource = 'research_facility'"
            " and resource_id = '2150' order by id"
        ).fetchall()
    assert [(a["after"]["inserted"], a["after"]["updated"]) for a in audits] == [(3, 0), (0, 1)]


def test_semicolon_and_decimal_comma(sign_in):
    admin = sign_in(ADMIN)
    body = (
        "facility;use_unit;total_use;footprint_kg;uncertainty\nPlatform;hours;1234,5;1000,25;0,2\n"
    )
    r = admin.put(url(2153), content=body.encode(), headers=dict(CSV))
    assert r.status_code == 200, r.text
    f = by_name(admin, 2153)["Platform"]
    assert Decimal(f["total_use"]) == Decimal("1234.5")
    assert kg(f["footprint_kg"]) == {"total": Decimal("1000.25")}
    assert f["uncertainty"] == 0.2


def test_only_admins_load(sign_in):
    body = (HEADER + "Refused,,hours,10,,100,\n").encode()
    for person in (MEMBER, PRINCIPAL, OFFICER):
        r = sign_in(person).put(url(2152), content=body, headers=dict(CSV))
        assert r.status_code == 403, r.text
        assert r.headers["content-type"] == "application/problem+json"
    assert listed(sign_in(MEMBER), 2152)["total"] == 0


def test_malformed_files_list_every_problem_and_store_nothing(sign_in):
    admin = sign_in(ADMIN)
    # a valid row first: nothing of the file may be stored
    body = (
        HEADER + "Good,,hours,10,,100,\n"  # row 1
        "Unknown unit,NO-SUCH-UNIT,hours,10,,100,\n"  # row 2
        "Bad unit,,days,10,,100,\n"  # row 3
        "No use,,hours,0,,100,\n"  # row 4
        "No footprint,,hours,10,,,\n"  # row 5
        "Too uncertain,,hours,10,,100,1.5\n"  # row 6
        "Split,,hours,10,energy,100,\n"  # row 7
        "Split,,hours,10,energy,50,\n"  # row 8: same source again
        "Split,,hours,20,purchases,50,\n"  # row 9: another total use
        "No report,ENAC-CLIM-LAB1,hours,10,,,\n"  # row 10: 2151 has no report
        "Negative,,hours,10,,-1,\n"  # row 11
        "Not a number,,hours,ten,,100,\n"  # row 12
    )
    r = admin.put(url(2151), content=body.encode(), headers=dict(CSV))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problems = r.json()["errors"]
    assert {(e["row"], e["field"]) for e in problems} == {
        (2, "unit_code"),
        (3, "use_unit"),
        (4, "total_use"),
        (5, "footprint_kg"),
        (6, "uncertainty"),
        (8, "source"),
        (9, "total_use"),
        (10, "footprint_kg"),
        (11, "footprint_kg"),
        (12, "total_use"),
    }
    assert all(e["loc"] == ["row", e["row"], e["field"]] for e in problems)
    by_row = {e["row"]: e for e in problems}
    assert "NO-SUCH-UNIT" in by_row[2]["message"]
    assert by_row[8]["type"] == "duplicate"
    assert "no report for 2151" in by_row[10]["message"]
    assert listed(admin, 2151)["total"] == 0

    # a wrong header is refused at once, row 0
    r = admin.put(url(2151), content=b"facility,use_unit,kg\nX,hours,1\n", headers=dict(CSV))
    assert r.status_code == 422
    assert {(e["row"], e["field"], e["type"]) for e in r.json()["errors"]} == {
        (0, "total_use", "missing"),
        (0, "kg", "unknown_column"),
    }
    # a computed footprint cannot be split by a named source, nor mixed with given ones
    r = admin.put(
        url(2151),
        content=(
            HEADER + "A,SB-ENER-LAB1,hours,10,energy,,\n"
            "B,SB-ENER-LAB1,hours,10,energy,5,\n"
            "B,SB-ENER-LAB1,hours,10,other,,\n"
        ).encode(),
        headers=dict(CSV),
    )
    assert r.status_code == 422
    assert {(e["row"], e["field"]) for e in r.json()["errors"]} == {
        (1, "source"),
        (3, "source"),
    }
    # a header without rows, another media type, an empty body
    assert admin.put(url(2151), content=HEADER.encode(), headers=dict(CSV)).status_code == 422
    assert admin.put(url(2151), json={"facility": "x"}).status_code == 415  # not text/csv
    assert admin.put(url(2151), content=b"", headers=dict(CSV)).status_code == 400
    assert admin.put(url(99999), content=body.encode(), headers=dict(CSV)).status_code == 404
    assert listed(admin, 2151)["total"] == 0


def test_upsert_facilities_as_the_demo_seed_calls_it(pg):
    from co2calc.db import factors as sql
    from co2calc.db import transaction

    rows = [
        {
            "name": "Seeded platform",
            "unit_id": None,
            "use_unit": "hours",
            "total_use": Decimal(4000),
            "footprint_kg": {"energy": Decimal("38000.125"), "purchases": Decimal(22000)},
            "uncertainty": 0.3,
        }
    ]
    with transaction(all_units=True) as conn:
        assert sql.upsert_facilities(conn, 2154, rows) == (1, 0)
        assert sql.upsert_facilities(conn, 2154, rows) == (0, 1)
        got, total = sql.list_facilities(conn, 2154, None, 50, 0)
    assert total == 1
    assert got[0]["footprint_kg"] == {"energy": Decimal("38000.125"), "purchases": Decimal(22000)}


# -- with real reports: reporting year 2098 ----------------------------------------------


@pytest.fixture
def bus(gateway, monkeypatch):
    """The dev event bus delivering to the gateway's CloudEvent functions (``calculate``)."""
    from co2calc.dev.eventbus import EventBus

    b = EventBus(
        resolve=lambda name: f"{gateway}/_events/{name}", backoff_scale=0.001, schedules=False
    ).start()
    monkeypatch.setenv("K_SINK", b.url)
    yield b
    b.stop()


@pytest.fixture
def report_year(sign_in) -> int:
    """Reporting year 2098, open, with the shipped 2025 factors stored as its set."""
    from co2calc import factorstore
    from co2calc.db import transaction
    from co2calc.factors import load_factor_csv

    r = sign_in(ADMIN).post("/api/years", json={"year": REPORT_YEAR})
    assert r.status_code in (201, 409), r.text
    with transaction(all_units=True) as conn:
        if not conn.execute(
            "select 1 from factor_set where year = %s and active", (REPORT_YEAR,)
        ).fetchone():
            fs = load_factor_csv(SHIPPED, version=f"{REPORT_YEAR}.test", year=REPORT_YEAR)
            factorstore.store_factor_set(conn, fs, source_name="tests (2025 values)")
        conn.execute("update reporting_year set status = 'open' where year = %s", (REPORT_YEAR,))
    return REPORT_YEAR


def unit_id(caller, code: str) -> int:
    r = caller.get("/api/units", params={"q": code})
    return next(u["id"] for u in r.json()["items"] if u["code"] == code)


def test_footprint_from_the_unit_report_and_entries_computed(report_year, sign_in, bus):
    admin = sign_in(ADMIN)
    year = report_year
    facility_unit, lab = unit_id(admin, "SB-ENER-LAB1"), unit_id(admin, "ENAC-CLIM-LAB1")

    # GIVEN the facility unit's own report: 1,000 kWh natural gas and 2 kg R410A
    base = f"/api/{{}}/{facility_unit}/{year}/{{}}"
    r = admin.post(
        base.format("buildings", "combustion"),
        json={"data": {"fuel": "natural_gas", "unit": "kWh", "quantity": 1000}},
    )
    assert r.status_code == 201, r.text
    r = admin.post(
        base.format("process-emissions", "gas"), json={"data": {"gas": "R410A", "kg_emitted": 2}}
    )
    assert r.status_code == 201, r.text
    # by hand from the shipped 2025 CSV: kWh × factor, kg × GWP100 (AR5)
    buildings = 1000 * shipped_factor("fuel.natural_gas.kWh")
    process = 2 * shipped_factor("gwp.AR5.R410A")
    footprint = buildings + process

    # and a lab entry on the platform made before the table was loaded: unknown facility
    lab_url = f"/api/research-facilities/{lab}/{year}"
    early = admin.post(
        f"{lab_url}/common",
        json={"data": {"facility": "Platform 2098", "use": 120, "use_unit": "hours"}},
    )
    assert early.status_code == 201, early.text
    assert early.json()["flag"]["reason"] == "unknown_facility"

    # WHEN the admin loads the platform without a footprint (taken from SB-ENER-LAB1's
    # report) and an animal facility with two given sources
    body = (
        HEADER + "Platform 2098,SB-ENER-LAB1,hours,4000,,,0.2\n"
        "Animals 2098,,animal_housings,1200,energy,90000,\n"
        "Animals 2098,,animal_housings,1200,food_and_bedding,25000,\n"
    )
    r = admin.put(url(year), content=body.encode(), headers=dict(CSV))
    assert r.status_code == 200, r.text
    assert r.json()["computed"] == ["Platform 2098"]
    assert r.json()["recalculation_event"]

    # THEN the platform's footprint is SB-ENER-LAB1's emissions by module
    platform = by_name(sign_in(MEMBER), year)["Platform 2098"]
    assert kg(platform["footprint_kg"]) == {"buildings": buildings, "process-emissions": process}
    assert Decimal(platform["footprint_total_kg"]) == footprint

    # and the recalculation it requested computes the earlier entry:
    # kg = use / total use × footprint = 120 / 4,000 × (buildings + process)
    assert bus.wait_idle(timeout=60)
    assert not bus.dead_letters
    got = admin.get(f"{lab_url}/common/{early.json()['id']}")
    assert got.status_code == 200, got.text
    assert got.json()["flag"] is None
    assert Decimal(got.json()["kg_co2e"]) == Decimal(120) / Decimal(4000) * footprint

    # an animal-facility entry gets one row per source: 30 / 1,200 × 90,000 = 2,250
    # and 30 / 1,200 × 25,000 = 625, 2,875 kg in all
    r = admin.post(
        f"{lab_url}/animal",
        json={"data": {"facility": "Animals 2098", "use": 30, "use_unit": "animal_housings"}},
    )
    assert r.status_code == 201, r.text
    assert Decimal(r.json()["kg_co2e"]) == 2875
    assert sorted(Decimal(e["kg_co2e"]) for e in r.json()["emissions"]) == [625, 2250]
