"""Scheduled and event-driven tasks, called by the CloudEvent functions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from co2calc.db import maintenance as sql
from co2calc.db import transaction
from co2calc.directory import SyncReport, guarded_sync
from co2calc.directory.providers import provider_from_settings
from co2calc.obs import log_event

__all__ = ["run_directory_sync", "run_maintenance"]


def run_directory_sync() -> SyncReport:
    """Fetch the directory and apply it; a failing directory raises and changes nothing.

    A snapshot that would remove too many roles is refused (``SnapshotRejected``).
    """
    snapshot = provider_from_settings().fetch()
    report = guarded_sync(snapshot)
    log_event(
        "directory synced",
        units=report.units,
        people=report.people,
        roles=report.roles,
        roles_removed=report.roles_removed,
    )
    return report


MAX_JOB_ATTEMPTS = 3
STALE_PENDING_MINUTES = 15
TEMP_OBJECT_DAYS = 7


def run_maintenance(
    *,
    s3: Any = None,
    bucket: str | None = None,
    purge_after: timedelta = timedelta(days=TEMP_OBJECT_DAYS),
    publish: Callable[[str, dict[str, Any]], object] | None = None,
    publish_s3: Callable[[Any], object] | None = None,
) -> dict[str, int]:
    """Expire sessions and login flows, re-drive stuck jobs, purge finished jobs' objects.

    Events of re-driven jobs are published before their transaction commits: a
    Broker failure raises and leaves the jobs as they were for the next run.
    Object-store errors while purging are logged and counted, never raised.
    """
    with transaction(all_units=True) as conn:
        done = sql.expire(conn)
    with transaction(all_units=True) as conn:
        done |= _redrive(conn, publish or _publish, publish_s3 or _publish_s3, s3)
    done |= _purge(s3, bucket, purge_after)
    log_event("maintenance", **done)
    return done


def _publish(event_type: str, data: dict[str, Any]) -> object:
    from co2calc.events import publish

    return publish(event_type, data)


def _publish_s3(record: Any) -> object:
    from co2calc.api.s3_notify import publish_record

    return publish_record(record)


def _redrive(conn, publish, publish_s3, s3) -> dict[str, int]:
    from co2calc.wiring import RECALC_REQUESTED

    stuck = sql.redrive_stuck_jobs(conn, MAX_JOB_ATTEMPTS)
    retried = [j for j in stuck if j["status"] == "pending"]
    stale = sql.stale_pending_recalcs(conn, STALE_PENDING_MINUTES)
    republished = 0
    for job in [*retried, *stale]:
        if job["kind"] == "recalc":
            publish(
                RECALC_REQUESTED,
                {
                    "year": job["year"],
                    "module": job["module"],
                    "unit_id": job["unit_id"],
                    "reason": f"re-drive of job {job['id']}",
                },
            )
            republished += 1
        elif job["bucket"] and job["object_key"] and job["etag"]:
            publish_s3(_object_created_record(job, s3))
            republished += 1
    return {
        "jobs_redriven": len(retried),
        "jobs_failed": len(stuck) - len(retried),
        "recalcs_nudged": len(stale),
        "events_republished": republished,
    }


def _object_created_record(job: dict[str, Any], s3: Any) -> Any:
    """The S3 notification record s3-notify would have sent for the job's upload."""
    from co2calc.uploads import object_created_record

    size = None
    try:
        head = (s3 or _s3()).head_object(Bucket=job["bucket"], Key=job["object_key"])
        size = head["ContentLength"]
    except Exception:  # gone or store down: ingest decides; the event still names the object
        log_event("re-drive: object not readable", logging.WARNING, job_id=job["id"])
    return object_created_record(
        job["bucket"],
        job["object_key"],
        job["etag"],
        size,
        origin="co2calc-maintenance",
        request_prefix="REDRIVE",
    )


def _s3() -> Any:
    from co2calc.uploads import s3_client

    return s3_client()


def _purge(s3: Any, bucket: str | None, older: timedelta) -> dict[str, int]:
    """Delete ``uploads/`` and ``errors/`` objects older than ``older`` whose job finished."""
    from datetime import UTC, datetime

    from co2calc.settings import get_settings
    from co2calc.uploads import ERRORS_PREFIX, UPLOADS_PREFIX

    s3 = s3 or _s3()
    bucket = bucket or get_settings().uploads_bucket
    cutoff = datetime.now(UTC) - older
    deleted = errors = 0
    try:
        for prefix in (UPLOADS_PREFIX, ERRORS_PREFIX):
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for page in pages:
                old = [o["Key"] for o in page.get("Contents", ()) if o["LastModified"] < cutoff]
                if not old:
                    continue
                with transaction(all_units=True) as conn:
                    finished = sql.finished_jobs_for_keys(conn, bucket, old)
                for key in sorted(finished):
                    s3.delete_object(Bucket=bucket, Key=key)
                    deleted += 1
    except Exception:
        errors += 1
        log_event("purge of temporary objects failed", logging.ERROR, exc_info=True)
    return {"objects_purged": deleted, "purge_errors": errors}
