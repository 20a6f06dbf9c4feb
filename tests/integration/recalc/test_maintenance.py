"""Maintenance: stuck jobs re-driven (events re-published), finished jobs' objects purged."""

from __future__ import annotations

import uuid
from datetime import timedelta

import boto3
import pytest

from co2calc.db import transaction
from co2calc.tasks import MAX_JOB_ATTEMPTS, run_maintenance

BUCKET = "co2calc-maintenance-test"


@pytest.fixture
def store(s3):
    client = boto3.client("s3", **s3)
    if BUCKET not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
        client.create_bucket(Bucket=BUCKET)
    return client


def _job(**cols) -> str:
    job_id = uuid.uuid4().hex
    cols = {"id": job_id, "kind": "import", **cols}
    names = ", ".join(cols)
    marks = ", ".join(["%s"] * len(cols))
    with transaction(all_units=True) as conn:
        conn.execute(f"insert into job ({names}) values ({marks})", list(cols.values()))
    return job_id


def _row(job_id: str) -> dict:
    with transaction(all_units=True) as conn:
        return conn.execute("select * from job where id = %s", (job_id,)).fetchone()


def test_stuck_jobs_are_redriven_and_their_events_republished(pg, store):
    # GIVEN a stuck import (object in the store), a stuck recalculation, one at its last attempt
    key = f"uploads/2071/ENAC-CLIM-LAB1/travel/plane/{uuid.uuid4().hex}.csv"
    put = store.put_object(Bucket=BUCKET, Key=key, Body=b"origin,destination\nGVA,LHR\n")
    etag = put["ETag"].strip('"')
    lease = "now() - interval '1 minute'"
    imp = _job(status="running", year=2071, bucket=BUCKET, object_key=key, etag=etag, attempts=1)
    rec = _job(kind="recalc", status="running", year=2071, module="travel", attempts=1)
    last = _job(kind="recalc", status="running", year=2071, attempts=MAX_JOB_ATTEMPTS - 1)
    with transaction(all_units=True) as conn:
        conn.execute(
            f"update job set lease_until = {lease} where id = any(%s)", ([imp, rec, last],)
        )
    events, records = [], []
    # WHEN maintenance runs
    done = run_maintenance(
        s3=store,
        bucket=BUCKET,
        publish=lambda t, d: events.append((t, d)),
        publish_s3=records.append,
    )
    # THEN two jobs are pending again with one more attempt, the third failed
    assert done["jobs_redriven"] >= 2 and done["jobs_failed"] >= 1  # the database is shared
    assert (_row(imp)["status"], _row(imp)["attempts"]) == ("pending", 2)
    assert (_row(rec)["status"], _row(rec)["attempts"]) == ("pending", 2)
    assert _row(last)["status"] == "failed" and _row(last)["error"]["type"] == "stuck"
    # AND the recalculation request and the S3 notification were re-published
    mine = [e for e in events if e[1]["reason"] == f"re-drive of job {rec}"]
    assert mine == [
        (
            "ch.co2calc.recalculation.requested",
            {"year": 2071, "module": "travel", "unit_id": None, "reason": f"re-drive of job {rec}"},
        )
    ]
    (record,) = [r for r in records if r.s3.bucket.name == BUCKET]
    data = record.model_dump(mode="json", exclude_none=True)
    assert data["eventName"] == "ObjectCreated:Put" and data["eventSource"] == "aws:s3"
    assert data["s3"]["bucket"]["name"] == BUCKET
    obj = data["s3"]["object"]
    assert (obj["key"], obj["eTag"], obj["size"]) == (key, etag, 27)
    assert record.created_object.key == key
    # AND a second run finds nothing stuck
    again = run_maintenance(
        s3=store, bucket=BUCKET, publish=events.append, publish_s3=records.append
    )
    assert again["jobs_redriven"] == 0 and again["jobs_failed"] == 0


def test_finished_jobs_objects_are_purged(pg, store):
    done_id, open_id = uuid.uuid4().hex, uuid.uuid4().hex
    done_key = f"uploads/2071/ENAC-CLIM-LAB1/travel/plane/{done_id}.csv"
    open_key = f"uploads/2071/ENAC-CLIM-LAB1/travel/plane/{open_id}.csv"
    err_key = f"errors/{done_id}.csv"
    for k in (done_key, open_key, err_key):
        store.put_object(Bucket=BUCKET, Key=k, Body=b"x")
    _job(
        id=done_id,
        status="succeeded",
        bucket=BUCKET,
        object_key=done_key,
        etag="e1",
        error_report_key=err_key,
    )
    _job(id=open_id, status="pending", bucket=BUCKET, object_key=open_key, etag="e2")
    # WHEN objects are older than the retention (here: any age) THEN only the finished job's go
    young = run_maintenance(s3=store, bucket=BUCKET, publish=print, publish_s3=print)
    assert young["objects_purged"] == 0  # within the default 7 days
    done = run_maintenance(
        s3=store, bucket=BUCKET, purge_after=timedelta(0), publish=print, publish_s3=print
    )
    assert done["objects_purged"] == 2 and done["purge_errors"] == 0
    left = {o["Key"] for o in store.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert open_key in left and done_key not in left and err_key not in left
