"""Retrying failed jobs: POST /api/uploads/jobs/<id>/retry, over real HTTP.

GIVEN the import stack (real PostgreSQL, SeaweedFS with its filer webhook, the
gateway and the dev event bus delivering to ``ingest`` and ``calculate``),
WHEN a unit manager retries a failed job, THEN the import runs again on the same
stored object through the same event path (object-created → Broker → ingest),
its rows land exactly once, and what cannot be retried is refused with a reason.

Years: 2036 (the year is created between the failure and the retry), 2037
(never created: imports into it keep failing), 2038 (recalculations).
"""

from __future__ import annotations

import pytest

from co2calc.demo import DEMO_USERS

ADMIN, PRINCIPAL, MEMBER, _, OFFICER, OTHER = (u.person_id for u in DEMO_USERS)
LAB = "ENAC-CLIM-LAB1"
RETRY_YEAR, MISSING_YEAR, RECALC_YEAR = 2036, 2037, 2038

PLANES = (
    b"origin,destination,traveller_id,date,trips,cabin_class,round_trip,kg_override\n"
    b"GVA,LHR,,2036-03-01,1,economy,true,\n"
    b"ZRH,JFK,,2036-04-01,2,business,false,\n"
    b"GVA,XQZ,,,1,economy,false,\n"  # unknown airport: kept and flagged (spec §4)
)


def _retry(person, job_id: str):
    return person.post(f"/api/uploads/jobs/{job_id}/retry")


def _entries(job_id: str) -> int:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return conn.execute(
            "select count(*) as n from entry where import_job = %s", (job_id,)
        ).fetchone()["n"]


def _upload(person, stack, unit_ids, year: int, content: bytes, unit: str | None = LAB) -> dict:
    return person.upload(
        stack.bus,
        content,
        year=year,
        unit_id=unit_ids[unit] if unit else None,
        filename="planes.csv",
    )


def _wait_after_retry(person, job_id: str, bus) -> dict:
    """The retried job's end state (pending → running → succeeded | failed)."""
    return person.wait(job_id, bus)


def test_import_failed_for_a_missing_year_succeeds_once_the_year_exists(
    stack, as_person, unit_ids, make_year, load_event
):
    principal = as_person(PRINCIPAL)
    # GIVEN an upload for a year that has not been created: the job fails, nothing written
    failed = _upload(principal, stack, unit_ids, RETRY_YEAR, PLANES)
    assert failed["status"] == "failed", failed
    assert "create the year first" in failed["error"]["detail"]
    assert failed["attempts"] == 1 and _entries(failed["id"]) == 0

    # WHEN it is retried while the year is still missing THEN it runs again and fails again
    r = _retry(principal, failed["id"])
    assert r.status_code == 202, r.text
    again = _wait_after_retry(principal, failed["id"], stack.bus)
    assert again["status"] == "failed" and again["attempts"] == 1, again
    assert again["error"] == failed["error"] and _entries(failed["id"]) == 0

    # WHEN the administrator creates the year and the principal retries
    make_year(RETRY_YEAR)
    r = _retry(principal, failed["id"])
    assert r.status_code == 202, r.text
    queued = r.json()
    # THEN the answer is the job back at the start: pending, counters and error cleared
    assert queued["id"] == failed["id"] and queued["status"] == "pending"
    assert queued["attempts"] == 0 and queued["error"] is None
    assert queued["rows_read"] == queued["rows_written"] == 0
    assert queued["object_key"] == failed["object_key"]
    done = _wait_after_retry(principal, failed["id"], stack.bus)
    # AND the same stored file is imported: 3 rows (one flagged), exactly once
    assert done["status"] == "succeeded", done
    assert (done["rows_read"], done["rows_written"], done["attempts"]) == (3, 3, 1)
    assert _entries(failed["id"]) == 3

    # AND a succeeded job cannot be retried (409, problem+json with the reason)
    r = _retry(principal, failed["id"])
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "succeeded" in r.json()["detail"] and r.json()["job_status"] == "succeeded"

    # AND the original notification delivered again imports nothing more
    _redeliver(stack, load_event, done["object_key"])
    assert principal.get(f"/api/uploads/jobs/{done['id']}").json()["attempts"] == 1
    assert _entries(failed["id"]) == 3

    # AND each retry is in the audit trail, by whom, with the failed state before
    audit = as_person(ADMIN).get("/api/audit", params={"resource": "job", "page_size": 500})
    assert audit.status_code == 200, audit.text
    mine = [e for e in audit.json()["items"] if e["resource_id"] == failed["id"]]
    assert len(mine) == 2, mine
    assert {e["action"] for e in mine} == {"update"}
    assert all(e["before"]["status"] == "failed" for e in mine)
    assert sorted(e["after"]["retry"] for e in mine) == [1, 2]
    assert {e["unit_id"] for e in mine} == {unit_ids[LAB]}
    assert {e["actor_id"] for e in mine} == {_user_id(PRINCIPAL)}


def _user_id(person_id: str) -> int:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        return conn.execute(
            "select id from app_user where person_id = %s", (person_id,)
        ).fetchone()["id"]


def _redeliver(stack, load_event, key: str) -> None:
    """The store's notification for ``key`` again (same ETag), through s3-notify."""
    import base64

    import boto3
    import httpx

    head = boto3.client("s3", **stack.s3).head_object(Bucket="co2calc-uploads", Key=key)
    hook = load_event("seaweedfs_webhook_object_created.json")
    hook["key"] = f"/buckets/co2calc-uploads/{key}"
    entry = hook["message"]["new_entry"]
    entry["name"] = key.rsplit("/", 1)[1]
    entry["extended"]["Seaweed-X-Amz-ETag"] = base64.b64encode(head["ETag"].encode()).decode()
    r = httpx.post(f"{stack.url}/_notify/s3", json=hook)
    assert r.status_code == 202 and r.json()["published"], r.text
    assert stack.bus.wait_idle(timeout=30)


def test_who_may_retry(stack, as_person, unit_ids):
    principal = as_person(PRINCIPAL)
    failed = _upload(principal, stack, unit_ids, MISSING_YEAR, PLANES)
    assert failed["status"] == "failed", failed
    url = f"/api/uploads/jobs/{failed['id']}/retry"

    # the job's unit decides: another unit's principal, a member, an officer are refused
    for person in (OTHER, MEMBER, OFFICER):
        r = _retry(as_person(person), failed["id"])
        assert r.status_code in (403, 404), (person, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    # without the CSRF token: refused, and the job is untouched
    r = principal.client.post(url)
    assert r.status_code == 403 and r.json()["type"].endswith("/csrf"), r.text
    assert principal.client.post(url, headers={"X-CSRF-Token": "x" * 43}).status_code == 403
    assert _retry(principal, "0" * 32).status_code == 404
    still = principal.get(f"/api/uploads/jobs/{failed['id']}").json()
    assert still["status"] == "failed" and still["phase"] == "failed"

    # an administrator may retry any unit's job
    r = _retry(as_person(ADMIN), failed["id"])
    assert r.status_code == 202, r.text
    assert _wait_after_retry(principal, failed["id"], stack.bus)["status"] == "failed"

    # institution-wide imports: administrators only
    admin = as_person(ADMIN)
    inst = _upload(
        admin, stack, unit_ids, MISSING_YEAR, b"unit,origin,destination\nENAC-CLIM-LAB1,GVA,LHR\n",
        unit=None,
    )  # fmt: skip
    assert inst["status"] == "failed" and "no report" in inst["error"]["detail"], inst
    r = _retry(principal, inst["id"])
    assert r.status_code == 403, r.text
    assert _retry(admin, inst["id"]).status_code == 202
    assert _wait_after_retry(admin, inst["id"], stack.bus)["status"] == "failed"


def test_jobs_that_are_not_failed_are_not_retried(stack, as_person, unit_ids):
    principal = as_person(PRINCIPAL)
    r = principal.grant(
        year=MISSING_YEAR,
        unit_id=unit_ids[LAB],
        module="travel",
        submodule="plane",
        filename="later.csv",
        content_type="text/csv",
    )
    waiting = r.json()["job"]
    r = _retry(principal, waiting["id"])
    assert r.status_code == 409, r.text
    assert "waiting for its file" in r.json()["detail"]
    assert r.json()["job_status"] == "pending"


def test_retry_when_the_file_is_gone(stack, as_person, unit_ids):
    import boto3

    principal = as_person(PRINCIPAL)
    failed = _upload(principal, stack, unit_ids, MISSING_YEAR, PLANES)
    assert failed["status"] == "failed"
    # GIVEN the stored file was purged
    boto3.client("s3", **stack.s3).delete_object(Bucket="co2calc-uploads", Key=failed["object_key"])
    # THEN the retry is refused with 410 and the job stays failed as it was
    r = _retry(principal, failed["id"])
    assert r.status_code == 410, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "upload the file again" in r.json()["detail"]
    after = principal.get(f"/api/uploads/jobs/{failed['id']}").json()
    assert after["status"] == "failed" and after["error"] == failed["error"]


def test_an_import_released_by_a_crashed_run_can_be_retried(stack, as_person, unit_ids):
    """A run that crashed released its job to pending ("retrying"); when the Broker's
    redeliveries are exhausted (dead-lettered) nothing runs it again but a retry."""
    from co2calc.db import jobs as sql
    from co2calc.db import transaction

    principal = as_person(PRINCIPAL)
    job = _upload(principal, stack, unit_ids, MISSING_YEAR, PLANES)
    assert job["status"] == "failed"
    # the state a crashed run leaves, through the ingest's own job functions
    with transaction(all_units=True) as conn:
        row = sql.reset_for_retry(conn, job["id"])
        claimed = sql.claim(
            conn,
            job["id"],
            bucket=row["bucket"],
            key=row["object_key"],
            etag=row["etag"],
            lease_minutes=10,
        )
        assert claimed is not None
        sql.release(conn, job["id"], {"type": "retrying", "detail": "OperationalError"})
    stuck = principal.get(f"/api/uploads/jobs/{job['id']}").json()
    assert (stuck["status"], stuck["phase"]) == ("pending", "retrying")

    r = _retry(principal, job["id"])
    assert r.status_code == 202, r.text
    ran = _wait_after_retry(principal, job["id"], stack.bus)
    # it ran again (and, the year still missing, failed for its real reason)
    assert ran["status"] == "failed" and ran["attempts"] == 1, ran
    assert "create the year first" in ran["error"]["detail"]


def test_failed_recalculation_is_requested_again(stack, as_person, unit_ids):
    from co2calc.db import recalc, transaction

    lab = unit_ids[LAB]
    # GIVEN a recalculation of a slice that failed for its last attempt (the runner's own
    # job functions: claimed, then released as failed)
    with transaction(all_units=True) as conn:
        job, created = recalc.request_job(
            conn, year=RECALC_YEAR, module="travel", unit_id=lab, reason="test"
        )
        assert created
        claimed = recalc.claim_next(conn, RECALC_YEAR, 300)
        assert claimed["id"] == job["id"]
        recalc.release_job(
            conn, job["id"], failed=True, error={"type": "OperationalError", "detail": "gone"}
        )
    admin, principal = as_person(ADMIN), as_person(PRINCIPAL)
    assert _retry(as_person(OTHER), job["id"]).status_code == 403
    # WHEN the unit's principal retries it
    r = _retry(principal, job["id"])
    assert r.status_code == 202, r.text
    new = r.json()
    # THEN a pending job for the same slice answers, and calculate runs it
    assert new["id"] != job["id"] and new["status"] in ("pending", "running", "succeeded")
    assert (new["year"], new["module"], new["unit_id"]) == (RECALC_YEAR, "travel", lab)
    assert (new["kind"], new["object_key"]) == ("recalc", None)  # no uploaded file
    done = admin.wait(new["id"], stack.bus)
    assert done["status"] == "succeeded", done
    old = admin.get(f"/api/uploads/jobs/{job['id']}").json()
    assert old["status"] == "failed"
    # AND the failed job is not retried twice into two jobs: the new one is not failed
    r = _retry(principal, new["id"])
    assert r.status_code == 409 and r.json()["job_status"] == "succeeded", r.text


@pytest.fixture(autouse=True)
def _no_dead_letters(stack):
    """No event of these tests ends as a dead letter (every run acknowledged)."""
    before = len(stack.bus.dead_letters)
    yield
    assert stack.bus.wait_idle(timeout=30)
    dead = stack.bus.dead_letters[before:]
    assert not dead, dead
