"""uploads function: presigned upload grants, templates, job status, error reports.

Who may call what (product spec §3; the job's unit decides, never the URL):

    POST /api/uploads                         principal of the unit, or admin;
                                              unit_id null (institution-wide): admin only
    GET  /api/uploads/templates/<m>/<s>       any signed-in user
    GET  /api/uploads/jobs                    principals (their units' jobs), admins (all)
    GET  /api/uploads/jobs/<id>               principal of the job's unit, or admin
    GET  /api/uploads/jobs/<id>/errors.csv    principal of the job's unit, or admin
    POST /api/uploads/jobs/<id>/retry         principal of the job's unit, or admin;
                                              institution-wide jobs: admin only

Retry runs a failed job again. An import goes back to pending (counters, error and
attempts cleared, its object and ETag kept) and the object-created event of its
stored file is emitted again, so ``ingest`` claims it exactly as it claimed the
upload (the claim is the idempotency check: only a pending job is claimed, once).
A recalculation asks for its slice again (a new or covering pending job) and
emits the event ``calculate`` listens to.

When events go out: an import's object-created event only after the reset has
committed (the claim is a conditional UPDATE: it skips, without waiting, a row
whose committed state is not pending); if the Broker refuses it, the job is
marked failed again (``broker-unavailable``) and can be retried later. A
recalculation's event goes out before the commit: ``calculate`` first takes the
year's request lock, which this transaction holds, so it sees the new job; a
Broker failure rolls the retry back.
"""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.wrappers import Response

from co2calc import audit
from co2calc.auth.policy import Action, Principal, can
from co2calc.db import jobs as sql
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from co2calc.models.uploads import (
    ImportJob,
    JobPage,
    JobQuery,
    TemplateQuery,
    UploadGrant,
    UploadRequest,
)
from co2calc.obs import log_event

__all__ = ["api", "router"]

PREFIX = "/api/uploads"
router = Router(tags=("uploads",))

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _field_error(field: str, message: str, kind: str = "value_error") -> ValidationFailed:
    return ValidationFailed(
        message, errors=[{"loc": ["body", field], "field": field, "type": kind, "message": message}]
    )


def _ext(filename: str, content_type: str) -> str:
    from co2calc.uploads import CONTENT_TYPES

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in CONTENT_TYPES:
        raise _field_error("filename", "Upload a .csv or .xlsx file.")
    if content_type.split(";")[0].strip().lower() not in CONTENT_TYPES[ext]:
        raise _field_error(
            "content_type", f"A .{ext} file must be sent as {CONTENT_TYPES[ext][0]}."
        )
    return ext


class UploadGone(ServiceError):
    status, slug, title = 410, "upload-gone", "Uploaded file gone"


class StoreUnavailable(ServiceError):
    status, slug, title = 503, "store-unavailable", "Object store unavailable"


def _may_see_job(p: Principal, job: dict) -> bool:
    return can(p, Action.UPLOAD, job["unit_id"]) if job["unit_id"] is not None else p.is_admin


def _job(ctx: RequestContext, job_id: str) -> dict:
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        job = sql.get_job(conn, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} does not exist.")
    if not _may_see_job(p, job):
        raise Forbidden("You may not see this unit's jobs.")
    return job


@router.post("/", body=UploadRequest, response=UploadGrant, status=201)
def create_upload(ctx: RequestContext, *, body: UploadRequest) -> UploadGrant:
    """Create an import job and a presigned POST for its file (size and type enforced)."""
    from co2calc.calc import REGISTRY
    from co2calc.ingest.settings import import_settings
    from co2calc.settings import get_settings
    from co2calc.uploads import presigned_post, upload_key

    p = ctx.user
    if body.unit_id is None:
        if not p.is_admin:
            raise Forbidden("Only administrators import institution-wide files.")
    elif not can(p, Action.UPLOAD, body.unit_id):
        raise Forbidden("Only the unit's managers may upload data for it.")
    if (body.module, body.submodule) not in REGISTRY:
        raise _field_error("submodule", f"Unknown submodule {body.module}/{body.submodule}.")
    ext = _ext(body.filename, body.content_type)
    content_type = XLSX_TYPE if ext == "xlsx" else "text/csv"
    settings, limits = get_settings(), import_settings()
    job_id = uuid.uuid4().hex
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        code = None
        if body.unit_id is not None:
            code = sql.unit_code(conn, body.unit_id)
            if code is None:
                raise NotFound(f"Unit {body.unit_id} does not exist.")
        key = upload_key(body.year, code, body.module, body.submodule, job_id, ext)
        job = sql.create_import_job(
            conn,
            job_id=job_id,
            year=body.year,
            unit_id=body.unit_id,
            module=body.module,
            submodule=body.submodule,
            options={
                "mode": body.mode,
                "valid_rows_only": body.valid_rows_only,
                "filename": body.filename,
            },
            bucket=settings.uploads_bucket,
            object_key=key,
            created_by=p.user_id,
        )
        job["unit_code"] = code
    post = presigned_post(
        settings.uploads_bucket,
        key,
        content_type,
        max_bytes=limits.upload_max_bytes,
        expires_s=limits.upload_url_expires_s,
        proxy_prefix=limits.s3_proxy_prefix,
    )
    return UploadGrant(job=ImportJob.from_row(job, PREFIX), **post)


@router.get("/templates/<module>/<submodule>", query=TemplateQuery)
def template(ctx: RequestContext, module: str, submodule: str, *, query: TemplateQuery):
    """The import template of a submodule (CSV or XLSX; columns = what the importer reads)."""
    from co2calc.calc import REGISTRY
    from co2calc.ingest.columns import layout
    from co2calc.ingest.templates import template_csv, template_xlsx

    ctx.user  # noqa: B018 - signed-in users only
    if (module, submodule) not in REGISTRY:
        raise NotFound(f"Unknown submodule {module}/{submodule}.")
    lay = layout(module, submodule, query.institution)
    name = f"co2calc-{module}-{submodule}{'-institution' if query.institution else ''}"
    if query.format == "xlsx":
        body, mime = template_xlsx(lay), XLSX_TYPE
    else:
        body, mime = template_csv(lay), "text/csv; charset=utf-8"
    return Response(
        body,
        mimetype=mime.split(";")[0],
        content_type=mime,
        headers={"Content-Disposition": f'attachment; filename="{name}.{query.format}"'},
    )


@router.get("/jobs", query=JobQuery, response=JobPage)
def list_jobs(ctx: RequestContext, *, query: JobQuery) -> JobPage:
    """Import jobs of the units the caller manages (all for admins), newest first."""
    p = ctx.user
    units = None if p.is_admin else sorted(p.managed_units)
    if query.unit_id is not None and not can(p, Action.UPLOAD, query.unit_id):
        raise Forbidden("You may not see this unit's imports.")
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        rows, total = sql.list_jobs(
            conn,
            units=units,
            unit_id=query.unit_id,
            status=query.status,
            limit=query.page_size,
            offset=query.offset,
        )
    return JobPage(
        items=[ImportJob.from_row(r, PREFIX) for r in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


@router.get("/jobs/<job_id>", response=ImportJob)
def get_job(ctx: RequestContext, job_id: str) -> ImportJob:
    """Status and progress of one import (phase, rows read/valid/rejected/written, rate)."""
    return ImportJob.from_row(_job(ctx, job_id), PREFIX)


@router.get("/jobs/<job_id>/errors.csv")
def error_report(ctx: RequestContext, job_id: str) -> Response:
    """The error report of an import: row, column, value, message."""
    from co2calc.uploads import get_bytes

    job = _job(ctx, job_id)
    if not job["error_report_key"]:
        raise NotFound("This import has no error report.")
    body = get_bytes(job["bucket"], job["error_report_key"])
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="errors-{job_id}.csv"'},
    )


def _check_retryable(job: dict) -> None:
    """A failed job, or an import a crashed run released (its redeliveries may be exhausted)."""
    status, phase, jid = job["status"], job["phase"], job["id"]
    if status == "failed":
        if job["kind"] == "import" and not job["etag"]:
            raise Conflict(
                f"Job {jid} never received its file: upload the file again.", job_status=status
            )
        return
    if status == "pending" and job["kind"] == "import" and phase == "retrying" and job["etag"]:
        return
    if status == "running":
        detail = f"Job {jid} is running; it can be retried only once it has failed."
    elif status == "succeeded":
        detail = f"Job {jid} succeeded: there is nothing to retry."
    elif phase == "waiting_for_upload":
        detail = f"Job {jid} is waiting for its file: upload the file first."
    else:
        detail = f"Job {jid} is already queued to run."
    raise Conflict(detail, job_status=status)


def _before(job: dict) -> dict:
    return {
        "status": job["status"],
        "phase": job["phase"],
        "attempts": job["attempts"],
        "error": job["error"],
    }


def _reset_import(conn, ctx: RequestContext, job: dict) -> tuple[dict, Any]:
    """Check the stored file, reset the job (audited); ``(row, the event to publish)``."""
    from botocore.exceptions import BotoCoreError, ClientError

    from co2calc.uploads import ObjectGone, delete_object, head_object, object_created_record

    try:
        head = head_object(job["bucket"], job["object_key"])
    except ObjectGone:
        raise UploadGone(
            "The uploaded file of this import is no longer in the store (the files of"
            " finished imports are deleted after a few days): upload the file again."
        ) from None
    except (BotoCoreError, ClientError) as exc:
        raise StoreUnavailable(f"The object store did not answer: {type(exc).__name__}.") from None
    if head["etag"] != job["etag"]:
        raise Conflict("The stored file changed since this import ran: upload the file again.")
    row = sql.reset_for_retry(conn, job["id"])
    assert row is not None  # locked and checked retryable above
    audit.record(
        conn,
        ctx,
        "update",
        "job",
        job["id"],
        unit_id=job["unit_id"],
        before=_before(job),
        after={"status": "pending", "retry": row["options"].get("retries")},
    )
    if job["error_report_key"]:  # the new run writes its own; none runs before our commit
        try:
            delete_object(job["bucket"], job["error_report_key"])
        except (BotoCoreError, ClientError):
            log_event("retry: old error report not deleted", job_id=job["id"])
    event = object_created_record(
        job["bucket"], job["object_key"], job["etag"], head["size"], origin="co2calc-retry"
    )
    return row, event


def _publish_import(job_id: str, event: Any) -> None:
    """After the commit (the claim only takes a job it sees pending); on a Broker failure
    the job is marked failed again, so it can be retried once the Broker is back."""
    from co2calc.api.s3_notify import BrokerUnavailable, publish_record

    try:
        publish_record(event)
    except BrokerUnavailable as exc:
        with transaction(all_units=True) as conn:
            sql.fail_unqueued(
                conn, job_id, {"type": "broker-unavailable", "detail": exc.detail[:300]}
            )
        raise


def _retry_recalc(conn, ctx: RequestContext, job: dict) -> dict:
    import httpx

    from co2calc import wiring
    from co2calc.api.s3_notify import BrokerUnavailable
    from co2calc.events import publish
    from co2calc.recalc import request_recalculation

    reason = f"retry of job {job['id']}"
    new_id, _created = request_recalculation(
        conn, year=job["year"], module=job["module"], unit_id=job["unit_id"], reason=reason
    )
    sql.mark_retried(conn, job["id"], new_id)
    audit.record(
        conn,
        ctx,
        "update",
        "job",
        job["id"],
        unit_id=job["unit_id"],
        before=_before(job),
        after={"retried_as": new_id},
    )
    try:
        publish(
            wiring.RECALC_REQUESTED,
            {
                "year": job["year"],
                "module": job["module"],
                "unit_id": job["unit_id"],
                "reason": reason,
            },
            subject=str(job["year"]),
        )
    except httpx.HTTPError as exc:
        raise BrokerUnavailable(f"The Broker did not accept the event: {exc}") from None
    row = sql.get_job(conn, new_id)
    assert row is not None
    return row


@router.post(
    "/jobs/<job_id>/retry",
    response=ImportJob,
    status=202,
    extra_responses={
        409: "the job is not failed (pending, running or succeeded), or its file changed",
        410: "the uploaded file is no longer in the store",
        502: "the event broker did not accept the event",
    },
)
def retry_job(ctx: RequestContext, job_id: str) -> ImportJob:
    """Run a failed job again: an import re-reads its stored file, a recalculation its slice.

    Answers the job that will run: the import itself (pending again), or the
    pending recalculation job that covers the failed one's slice.
    """
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        job = sql.lock_job(conn, job_id)
        if job is None:
            raise NotFound(f"Job {job_id} does not exist.")
        if not _may_see_job(p, job):
            raise Forbidden("You may not retry this unit's jobs.")
        _check_retryable(job)
        event = None
        if job["kind"] == "recalc":  # calculate's request waits on our advisory lock
            row = _retry_recalc(conn, ctx, job)
        else:
            row, event = _reset_import(conn, ctx, job)
    if event is not None:
        _publish_import(job_id, event)
    log_event("job retried", job_id=job_id, kind=job["kind"], runs_as=row["id"])
    return ImportJob.from_row(row, PREFIX)


api = Api("uploads", PREFIX, router)
