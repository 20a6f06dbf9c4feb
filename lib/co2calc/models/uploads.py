"""Upload grants and import jobs: request and response shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from co2calc.models.common import Page

__all__ = [
    "ImportJob",
    "JobError",
    "JobPage",
    "JobQuery",
    "TemplateQuery",
    "UploadGrant",
    "UploadRequest",
]

JobStatus = Literal["pending", "running", "succeeded", "failed"]


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    unit_id: int | None = Field(description="null: institution-wide import (admins only)")
    module: str = Field(max_length=40)
    submodule: str = Field(max_length=40)
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(max_length=120)
    mode: Literal["append", "replace"] = "append"
    valid_rows_only: bool = False


class JobError(BaseModel):
    type: str
    detail: str


class ImportJob(BaseModel):
    id: str
    kind: Literal["import", "recalc"] = Field(
        default="import", description="an import of an uploaded file, or a recalculation"
    )
    status: JobStatus
    phase: str
    year: int | None  # None only for jobs re-created by maintenance without a target
    unit_id: int | None
    unit_code: str | None = None
    module: str | None
    submodule: str | None
    mode: str
    valid_rows_only: bool
    object_key: str | None = Field(description="the uploaded file's key (none for a recalculation)")
    rows_read: int
    rows_valid: int
    rows_rejected: int
    rows_written: int
    rows_per_second: float | None = None
    error: JobError | None = None
    error_report: str | None = Field(default=None, description="URL of the error report CSV")
    attempts: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any], prefix: str) -> ImportJob:
        options = row.get("options") or {}
        rate = None
        if row.get("started_at") and row["rows_read"]:
            end = row.get("finished_at") or row.get("heartbeat_at") or row["started_at"]
            seconds = (end - row["started_at"]).total_seconds()
            rate = round(row["rows_read"] / seconds, 1) if seconds > 0 else None
        return cls(
            **{k: row[k] for k in cls.model_fields if k in row and k not in ("error",)},
            mode=options.get("mode", "append"),
            valid_rows_only=bool(options.get("valid_rows_only")),
            rows_per_second=rate,
            error=row.get("error"),
            error_report=f"{prefix}/jobs/{row['id']}/errors.csv"
            if row.get("error_report_key")
            else None,
        )


class UploadGrant(BaseModel):
    job: ImportJob
    url: str = Field(description="same-origin URL to POST the file to (multipart/form-data)")
    fields: dict[str, str] = Field(description="form fields to send before the file field")
    max_bytes: int
    expires_in: int


class JobQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: int | None = None
    status: JobStatus | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=50, ge=1, le=500)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


class TemplateQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "xlsx"] = "csv"
    institution: bool = Field(default=False, description="add the unit column (admins' imports)")


class JobPage(Page[ImportJob]):
    pass
