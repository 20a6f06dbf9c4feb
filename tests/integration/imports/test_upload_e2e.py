"""Upload → SeaweedFS webhook → s3-notify → bus → ingest → entries, over real HTTP.

GIVEN the import stack (real PostgreSQL, SeaweedFS with its filer webhook, the
gateway and the dev event bus), WHEN a unit manager uploads a file through the
presigned POST, THEN the job ends succeeded (or failed with a named problem) and
the database holds exactly what the job says.
"""

from __future__ import annotations

import io

import pytest

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, _, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
YEAR = 2061
LAB = "ENAC-CLIM-LAB1"

PLANES = (
    b"origin,destination,traveller_id,date,trips,cabin_class,round_trip,kg_override\n"
    b"GVA,LHR,,2061-03-01,1,economy,true,\n"
    b"ZRH,JFK,,2061-04-01,2,business,false,\n"
    b"GVA,XQZ,,,1,economy,false,\n"  # unknown airport: kept and flagged (spec §4)
)


@pytest.fixture(scope="module")
def year(make_year):
    return make_year(YEAR)


def _rows(job_id: str) -> tuple[int, int, set]:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        n = conn.execute(
            "select count(*) as n from entry where import_job = %s", (job_id,)
        ).fetchone()["n"]
        m = conn.execute(
            "select count(*) as n from emission m join entry e on e.id = m.entry_id"
            " where e.import_job = %s",
            (job_id,),
        ).fetchone()["n"]
        flags = {
            r["flag_reason"]
            for r in conn.execute(
                "select flag_reason from entry where import_job = %s", (job_id,)
            ).fetchall()
        }
    return n, m, flags


def _import(
    person,
    stack,
    unit_ids,
    content: bytes,
    *,
    submodule="plane",
    module="travel",
    ext="csv",
    unit=LAB,
    **options,
) -> dict:
    return person.upload(
        stack.bus,
        content,
        year=YEAR,
        unit_id=unit_ids[unit] if unit else None,
        module=module,
        submodule=submodule,
        filename=f"data.{ext}",
        **options,
    )


def test_upload_imports_entries_and_emissions(year, stack, as_person, unit_ids):
    principal = as_person(PRINCIPAL)
    job = _import(principal, stack, unit_ids, PLANES)
    assert job["status"] == "succeeded", job
    assert (job["rows_read"], job["rows_valid"], job["rows_rejected"], job["rows_written"]) == (
        3,
        3,
        0,
        3,
    )
    assert job["rows_per_second"] and job["phase"] == "done"
    entries, emissions, flags = _rows(job["id"])
    assert entries == 3 and emissions == 2 and flags == {None, "unknown_airport"}
    assert not stack.bus.dead_letters

    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        row = conn.execute(
            "select e.source, e.kg_co2e, e.data, s.status from entry e join module_status s"
            " on s.report_id = e.report_id and s.module = e.module"
            " where e.import_job = %s and e.data ->> 'destination' = 'LHR'",
            (job["id"],),
        ).fetchone()
    assert row["source"] == "import" and row["status"] == "in_progress"
    assert 430 < float(row["kg_co2e"]) < 450  # GVA–LHR economy round trip ≈ 439 kg (§4.2)

    listed = principal.get("/api/uploads/jobs", params={"unit_id": unit_ids[LAB]}).json()
    assert job["id"] in {j["id"] for j in listed["items"]}
    assert job["kind"] == "import" and job["object_key"].endswith(f"/{job['id']}.csv")


def test_same_notification_twice_imports_once(year, stack, as_person, unit_ids, load_event):
    import base64

    import boto3
    import httpx

    principal = as_person(PRINCIPAL)
    job = _import(principal, stack, unit_ids, PLANES)
    assert job["status"] == "succeeded"
    # GIVEN the store notifies the same object again (same key, same ETag)
    head = boto3.client("s3", **stack.s3).head_object(
        Bucket="co2calc-uploads", Key=job["object_key"]
    )
    hook = load_event("seaweedfs_webhook_object_created.json")
    hook["key"] = f"/buckets/co2calc-uploads/{job['object_key']}"
    entry = hook["message"]["new_entry"]
    entry["name"] = job["object_key"].rsplit("/", 1)[1]
    entry["extended"]["Seaweed-X-Amz-ETag"] = base64.b64encode(head["ETag"].encode()).decode()
    # WHEN it is delivered twice more
    for _ in range(2):
        r = httpx.post(f"{stack.url}/_notify/s3", json=hook)
        assert r.status_code == 202 and r.json()["published"], r.text
    assert stack.bus.wait_idle(timeout=30)
    # THEN nothing is imported again
    again = principal.get(f"/api/uploads/jobs/{job['id']}").json()
    assert again["status"] == "succeeded" and again["attempts"] == job["attempts"] == 1
    assert _rows(job["id"])[0] == 3


def test_replace_mode_replaces_the_units_entries(year, stack, as_person, unit_ids):
    principal = as_person(PRINCIPAL)
    csv = b"origin_name,origin_country,destination_name,destination_country\nLausanne,CH,Bern,CH\n"
    a = _import(principal, stack, unit_ids, csv, submodule="train")
    b = _import(principal, stack, unit_ids, csv, submodule="train", mode="replace")
    assert a["status"] == b["status"] == "succeeded", (a, b)
    assert _rows(a["id"])[0] == 0 and _rows(b["id"])[0] == 1


def test_valid_rows_only_writes_the_valid_rows(year, stack, as_person, unit_ids):
    principal = as_person(PRINCIPAL)
    bad = PLANES + b"GVA,GVA,,,1,economy,false,\n"
    job = _import(principal, stack, unit_ids, bad, valid_rows_only=True)
    assert job["status"] == "succeeded" and job["rows_rejected"] == 1, job
    assert _rows(job["id"])[0] == 3
    report = principal.get(f"/api/uploads/jobs/{job['id']}/errors.csv")
    assert report.status_code == 200 and "origin and destination must differ" in report.text


def test_xlsx_upload(year, stack, as_person, unit_ids):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["item", "amount", "currency", "purchase_code"])
    ws.append(["Laptop", 1234.5, "CHF", "43211500"])
    ws.append(["Screen", "1'200,50", "EUR", "43211900"])
    out = io.BytesIO()
    wb.save(out)
    job = _import(
        as_person(PRINCIPAL),
        stack,
        unit_ids,
        out.getvalue(),
        module="purchases",
        submodule="it-equipment",
        ext="xlsx",
    )
    assert job["status"] == "succeeded", job
    assert _rows(job["id"])[0] == 2


def test_institution_wide_import_is_admin_only_and_uses_the_unit_column(
    year, stack, as_person, unit_ids
):
    body = dict(
        year=YEAR,
        unit_id=None,
        module="travel",
        submodule="plane",
        filename="agency.csv",
        content_type="text/csv",
    )
    assert as_person(PRINCIPAL).grant(**body).status_code == 403
    admin = as_person(ADMIN)
    csv = b"unit,origin,destination\nENAC-CLIM-LAB1,GVA,LHR\nSB-ENER-LAB1,GVA,CDG\n"
    a = _import(admin, stack, unit_ids, csv, unit=None, mode="replace")
    b = _import(admin, stack, unit_ids, csv, unit=None, mode="replace")
    assert a["status"] == b["status"] == "succeeded", (a, b)
    assert _rows(a["id"])[0] == 0 and _rows(b["id"])[0] == 2  # same source replaced
    bad = _import(admin, stack, unit_ids, b"unit,origin,destination\nNOPE,GVA,LHR\n", unit=None)
    assert bad["status"] == "failed" and "unknown unit code" in bad["error"]["detail"]


def test_who_may_upload_and_see_jobs(year, stack, as_person, unit_ids):
    body = dict(
        year=YEAR,
        unit_id=unit_ids[LAB],
        module="travel",
        submodule="plane",
        filename="a.csv",
        content_type="text/csv",
    )
    assert as_person(MEMBER).grant(**body).status_code == 403
    assert as_person(OTHER).grant(**body).status_code == 403
    assert as_person(OFFICER).grant(**body).status_code == 403
    r = as_person(PRINCIPAL).grant(**body)
    assert r.status_code == 201
    job_id = r.json()["job"]["id"]
    assert as_person(OTHER).get(f"/api/uploads/jobs/{job_id}").status_code == 403
    assert as_person(MEMBER).get(f"/api/uploads/jobs/{job_id}").status_code == 403
    assert as_person(ADMIN).get(f"/api/uploads/jobs/{job_id}").status_code == 200
    bad_type = as_person(PRINCIPAL).grant(**(body | {"content_type": "application/pdf"}))
    assert bad_type.status_code == 422


def test_templates_are_what_the_importer_reads(stack, as_person):
    person = as_person(MEMBER)
    r = person.get("/api/uploads/templates/travel/plane", params={"format": "csv"})
    assert r.status_code == 200
    assert r.text.strip() == (
        "origin,destination,traveller_id,date,trips,cabin_class,round_trip,kg_override"
    )
    r = person.get("/api/uploads/templates/travel/plane", params={"institution": "true"})
    assert r.text.startswith("unit,origin,")
    x = person.get("/api/uploads/templates/purchases/it-equipment", params={"format": "xlsx"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(x.content)).active
    assert [c.value for c in ws[1]][:4] == ["item", "supplier", "quantity", "amount"]
    assert person.get("/api/uploads/templates/travel/rocket").status_code == 404


def test_upload_over_the_size_limit_is_refused_by_the_store(
    year, stack, as_person, unit_ids, monkeypatch
):
    from co2calc.ingest.settings import import_settings

    monkeypatch.setenv("CO2CALC_UPLOAD_MAX_BYTES", "1024")
    import_settings.cache_clear()
    try:
        principal = as_person(PRINCIPAL)
        r = principal.grant(
            year=YEAR,
            unit_id=unit_ids[LAB],
            module="travel",
            submodule="plane",
            filename="big.csv",
            content_type="text/csv",
        )
        grant = r.json()
        assert grant["max_bytes"] == 1024
        sent = principal.send(grant, PLANES * 100)
        assert sent.status_code == 400 and "EntityTooLarge" in sent.text
        # a wrong content type breaks the policy too
        wrong = principal.client.post(
            grant["url"],
            data=grant["fields"] | {"Content-Type": "application/pdf"},
            files={"file": ("a.csv", PLANES, "application/pdf")},
        )
        assert wrong.status_code in (400, 403), wrong.text
        job = principal.get(f"/api/uploads/jobs/{grant['job']['id']}").json()
        assert job["status"] == "pending" and job["phase"] == "waiting_for_upload"
    finally:
        monkeypatch.delenv("CO2CALC_UPLOAD_MAX_BYTES")
        import_settings.cache_clear()
