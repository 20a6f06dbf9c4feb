"""uploads function: presigned upload grants, templates, job status, error reports.

Who may call what (product spec §3; the job's unit decides, never the URL):

    POST /api/uploads                         principal of the unit, or admin;
                                              unit_id null (institution-wide): admin only
    GET  /api/uploads/templates/<m>/<s>       any signed-in user
    GET  /api/uploads/jobs                    principals (their units' jobs), admins (all)
    GET  /api/uploads/jobs/<id>               principal of the job's unit, or admin
    GET  /api/uploads/jobs/<id>/errors.csv    principal of the job's unit, or admin
"""

from __future__ import annotations

import uuid

from werkzeug.wrappers import Response

from co2calc.auth.policy import Action, Principal, can
from co2calc.db import jobs as sql
from co2calc.db import transaction
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import Forbidden, NotFound, ValidationFailed
from co2calc.models.uploads import (
    ImportJob,
    JobPage,
    JobQuery,
    TemplateQuery,
    UploadGrant,
    UploadRequest,
)

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


def _may_see_job(p: Principal, job: dict) -> bool:
    return can(p, Action.UPLOAD, job["unit_id"]) if job["unit_id"] is not None else p.is_admin


def _job(ctx: RequestContext, job_id: str) -> dict:
    p = ctx.user
    with transaction(p.visible_units, all_units=p.sees_all(), user_id=p.user_id) as conn:
        job = sql.get_job(conn, job_id)
    if job is None or job["kind"] != "import":
        raise NotFound(f"Import job {job_id} does not exist.")
    if not _may_see_job(p, job):
        raise Forbidden("You may not see this unit's imports.")
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


api = Api("uploads", PREFIX, router)
