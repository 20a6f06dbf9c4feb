"""Every malformed-input class fails the job with a message naming the problem and writes
nothing; a crashed run leaves nothing and a retry completes.

Files go through the whole path (presigned POST → webhook → s3-notify → bus → ingest).
"""

from __future__ import annotations

import pytest

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL = DEMO_USERS[0].person_id, DEMO_USERS[1].person_id
YEAR = 2062
LAB = "ENAC-CLIM-LAB1"
HEADER = b"origin,destination,trips\n"


def _count(job_id: str) -> int:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return conn.execute(
            "select count(*) as n from entry where import_job = %s", (job_id,)
        ).fetchone()["n"]


@pytest.fixture(scope="module")
def upload(make_year, stack, as_person, unit_ids):
    make_year(YEAR)
    principal = as_person(PRINCIPAL)

    def run(content: bytes, *, module="travel", submodule="plane", ext="csv", **options):
        return principal.upload(
            stack.bus,
            content,
            year=YEAR,
            unit_id=unit_ids[LAB],
            module=module,
            submodule=submodule,
            filename=f"f.{ext}",
            **options,
        )

    run.principal = principal
    return run


CASES = {
    "empty file": (b"", "empty"),
    "binary file": (bytes(range(256)) * 40, "binary"),
    "utf-16 file": ("origin,destination\nGVA,LHR\n".encode("utf-16"), "UTF-16"),
    "header only": (HEADER, "no data rows"),
    "missing column": (b"origin,trips\nGVA,1\n", "missing destination"),
    "extra column": (HEADER.strip() + b",colour\nGVA,LHR,1,red\n", "unknown colour"),
    "renamed column": (b"origin,destinaton,trips\nGVA,LHR,1\n", "did you mean 'destination'"),
    "duplicated column": (b"origin,destination,origin\nGVA,LHR,GVA\n", "duplicated origin"),
    "bad number": (HEADER + b"GVA,LHR,two\n", "column 'trips'"),
    "negative quantity": (
        b"item,amount,currency,purchase_code\nPens,-5,CHF,44121700\n",
        "negative value",
    ),
    "formula injection": (
        b'item,amount,currency,purchase_code\n=HYPERLINK("x"),5,CHF,44121700\n',
        "formula",
    ),
    "xlsx declared but csv sent": (HEADER + b"GVA,LHR,1\n", "not an Excel"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_input_fails_and_writes_nothing(upload, case):
    content, expected = CASES[case]
    purchases = case in ("negative quantity", "formula injection")
    job = upload(
        content,
        module="purchases" if purchases else "travel",
        submodule="consumables" if purchases else "plane",
        ext="xlsx" if case.startswith("xlsx") else "csv",
    )
    assert job["status"] == "failed", job
    assert expected in job["error"]["detail"], job["error"]
    assert job["rows_written"] == 0 and _count(job["id"]) == 0


def test_row_errors_are_reported_as_csv(upload):
    job = upload(HEADER + b"GVA,LHR,1\nGVA,LHR,two\nGVA,GVA,1\n")
    assert job["status"] == "failed" and job["rows_rejected"] == 2
    report = upload.principal.get(f"/api/uploads/jobs/{job['id']}/errors.csv").text
    lines = report.strip().splitlines()
    assert lines[0] == "row,column,value,message"
    assert lines[1].startswith("3,trips,two,") and lines[2].startswith("4,")


def test_encodings_separators_and_decimal_comma(upload):
    latin1 = "item;amount;currency;purchase_code;supplier\nCafé;12,50;CHF;44121700;Müller\n"
    job = upload(latin1.encode("latin-1"), module="purchases", submodule="consumables")
    assert job["status"] == "succeeded", job
    bom = '\ufeffitem,amount,currency,purchase_code\nThé,"1\'234.5",CHF,44121700\n'
    job = upload(bom.encode("utf-8"), module="purchases", submodule="consumables")
    assert job["status"] == "succeeded", job
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        data = conn.execute(
            "select data from entry where import_job = %s", (job["id"],)
        ).fetchone()["data"]
    assert data["item"] == "Thé" and data["amount"] == "1234.5"


def test_a_million_rows_are_refused(upload, tmp_path):
    from co2calc.ingest.settings import import_settings

    path = tmp_path / "million.csv"
    with path.open("wb") as f:
        f.write(b"origin,destination\n")
        f.write(b"GVA,LHR\n" * 1_000_000)
    job = upload(path.read_bytes())
    assert job["status"] == "failed", job
    assert job["error"]["type"] == "too-many-rows"
    assert f"{import_settings().import_max_rows:,}" in job["error"]["detail"]
    assert _count(job["id"]) == 0


def test_a_crash_mid_file_leaves_nothing_and_a_retry_completes(
    upload, stack, monkeypatch, load_event
):
    import base64

    import boto3
    import httpx

    from co2calc.ingest import run
    from co2calc.ingest.settings import import_settings

    monkeypatch.setenv("CO2CALC_IMPORT_BATCH_ROWS", "100")
    import_settings.cache_clear()
    real_write = run._write_batch
    written = 0

    def crashing_write(conn, rows, **kw):
        nonlocal written
        real_write(conn, rows, **kw)
        written += 1
        if written % 3 == 0:
            raise RuntimeError("killed mid-file")

    # GIVEN every delivery dies after 3 batches were written (inside the transaction)
    monkeypatch.setattr(run, "_write_batch", crashing_write)
    content = b"origin,destination\n" + b"GVA,LHR\n" * 1000
    r = upload.principal.grant(
        year=YEAR,
        unit_id=None,
        module="travel",
        submodule="plane",
        filename="f.csv",
        content_type="text/csv",
    )
    assert r.status_code == 403  # (principals: unit uploads only)
    from co2calc.dev.s3proxy import NOTIFY_PATH

    grant = upload.principal.grant(
        year=YEAR,
        unit_id=_lab_id(),
        module="travel",
        submodule="plane",
        filename="f.csv",
        content_type="text/csv",
    ).json()
    job_id = grant["job"]["id"]
    upload.principal.send(grant, content)
    import time

    deadline = time.monotonic() + 60
    while not [d for d in stack.bus.dead_letters if d.subscriber == "ingest"]:
        assert time.monotonic() < deadline, "the crashing import was not dead-lettered"
        time.sleep(0.1)
    assert stack.bus.wait_idle(timeout=60)
    # THEN the Broker gave up (retries exhausted), the job is back to pending, nothing written
    dead = [d for d in stack.bus.dead_letters if d.subscriber == "ingest"]
    assert dead and dead[-1].attempts > 1
    job = upload.principal.get(f"/api/uploads/jobs/{job_id}").json()
    assert job["status"] == "pending" and _count(job_id) == 0
    stack.bus.dead_letters.clear()

    # WHEN the store notifies again after the fault is gone
    monkeypatch.setattr(run, "_write_batch", real_write)
    head = boto3.client("s3", **stack.s3).head_object(
        Bucket="co2calc-uploads", Key=job["object_key"]
    )
    hook = load_event("seaweedfs_webhook_object_created.json")
    hook["key"] = f"/buckets/co2calc-uploads/{job['object_key']}"
    hook["message"]["new_entry"]["extended"]["Seaweed-X-Amz-ETag"] = base64.b64encode(
        head["ETag"].encode()
    ).decode()
    assert httpx.post(f"{stack.url}{NOTIFY_PATH}", json=hook).status_code == 202
    job = upload.principal.wait(job_id, stack.bus)
    # THEN the retry completes, exactly once
    assert job["status"] == "succeeded" and job["rows_written"] == 1000, job
    assert _count(job_id) == 1000
    import_settings.cache_clear()


def _lab_id() -> int:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return conn.execute("select id from org_unit where code = %s", (LAB,)).fetchone()["id"]
