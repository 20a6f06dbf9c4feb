"""Upload objects in the store: key layout, presigned POSTs, reads and error reports.

Key layout (architecture §4)::

    uploads/<year>/<unit code | institution>/<module>/<submodule>/<job-id>.<csv|xlsx>
    errors/<job-id>.csv

The boto3 client is built once per process from the settings (or injected).
Presigned POST URLs are rewritten to the same-origin proxy path (``/s3/<bucket>``)
so the browser posts the file to the SPA's own host.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CONTENT_TYPES",
    "ERRORS_PREFIX",
    "UPLOADS_PREFIX",
    "ObjectGone",
    "UploadKey",
    "delete_object",
    "error_report_key",
    "head_object",
    "object_created_record",
    "parse_upload_key",
    "presigned_post",
    "s3_client",
    "upload_key",
]

UPLOADS_PREFIX = "uploads/"
ERRORS_PREFIX = "errors/"
INSTITUTION = "institution"
CONTENT_TYPES = {
    "csv": ("text/csv", "application/vnd.ms-excel", "text/plain"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
}
_KEY = re.compile(
    r"^uploads/(?P<year>\d{4})/(?P<unit>[^/]+)/(?P<module>[a-z\-]+)/(?P<submodule>[a-z_\-]+)/"
    r"(?P<job_id>[0-9a-f]{32})\.(?P<ext>csv|xlsx)$"
)

_lock = threading.Lock()
_client: Any = None


@dataclass(frozen=True)
class UploadKey:
    year: int
    unit: str  # unit code or "institution"
    module: str
    submodule: str
    job_id: str
    ext: str


def upload_key(
    year: int, unit_code: str | None, module: str, submodule: str, job_id: str, ext: str
) -> str:
    return f"uploads/{year}/{unit_code or INSTITUTION}/{module}/{submodule}/{job_id}.{ext}"


def parse_upload_key(key: str) -> UploadKey | None:
    m = _KEY.match(key)
    if not m:
        return None
    d = m.groupdict()
    return UploadKey(int(d["year"]), d["unit"], d["module"], d["submodule"], d["job_id"], d["ext"])


def error_report_key(job_id: str) -> str:
    return f"{ERRORS_PREFIX}{job_id}.csv"


def s3_client():
    """The process's boto3 S3 client (short timeouts, path-style addressing)."""
    global _client
    with _lock:
        if _client is None:
            import boto3
            from botocore.config import Config

            from co2calc.settings import get_settings

            s = get_settings()
            _client = boto3.client(
                "s3",
                endpoint_url=s.s3_endpoint_url,
                region_name=s.s3_region,
                aws_access_key_id=s.s3_access_key_id.get_secret_value(),
                aws_secret_access_key=s.s3_secret_access_key.get_secret_value(),
                config=Config(
                    signature_version="s3v4",
                    s3={"addressing_style": "path"},
                    connect_timeout=5,
                    read_timeout=30,
                    retries={"max_attempts": 3, "mode": "standard"},
                ),
            )
        return _client


def reset_client() -> None:
    """Forget the cached client (tests switching stores)."""
    global _client
    with _lock:
        _client = None


def presigned_post(
    bucket: str,
    key: str,
    content_type: str,
    *,
    max_bytes: int,
    expires_s: int,
    proxy_prefix: str,
    client: Any = None,
) -> dict[str, Any]:
    """``{"url", "fields", "max_bytes", "expires_in"}``; the URL is same-origin relative."""
    client = client or s3_client()
    post = client.generate_presigned_post(
        bucket,
        key,
        Fields={"Content-Type": content_type},
        Conditions=[["content-length-range", 0, max_bytes], {"Content-Type": content_type}],
        ExpiresIn=expires_s,
    )
    return {
        "url": f"{proxy_prefix.rstrip('/')}/{bucket}",
        "fields": post["fields"],
        "max_bytes": max_bytes,
        "expires_in": expires_s,
    }


def put_text(bucket: str, key: str, text: str, content_type: str, client: Any = None) -> None:
    (client or s3_client()).put_object(
        Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType=content_type
    )


def get_bytes(bucket: str, key: str, client: Any = None) -> bytes:
    return (client or s3_client()).get_object(Bucket=bucket, Key=key)["Body"].read()


class ObjectGone(LookupError):
    """The object is not (any more) in the store."""


def head_object(bucket: str, key: str, client: Any = None) -> dict[str, Any]:
    """``{"etag", "size"}`` of a stored object (ETag without quotes); raises ObjectGone."""
    from botocore.exceptions import ClientError

    try:
        head = (client or s3_client()).head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NotFound"):
            raise ObjectGone(key) from None
        raise
    return {"etag": str(head["ETag"]).strip('"'), "size": head["ContentLength"]}


def delete_object(bucket: str, key: str, client: Any = None) -> None:
    (client or s3_client()).delete_object(Bucket=bucket, Key=key)


def object_created_record(
    bucket: str,
    key: str,
    etag: str,
    size: int | None,
    *,
    origin: str,
    request_prefix: str = "RETRY",
) -> Any:
    """The S3 notification record the store would send for this object (a re-emission:
    the jobs console's retry, maintenance's re-drive).

    ``origin`` names who re-emits it (``x-amz-id-2``); the request id is random after
    ``request_prefix``, so a Broker never deduplicates it against the original.
    """
    import secrets
    from datetime import UTC, datetime
    from urllib.parse import quote_plus

    from co2calc.events_s3 import S3Bucket, S3EventRecord, S3Message, S3Object

    now = datetime.now(UTC)
    return S3EventRecord(
        eventTime=now,
        eventName="ObjectCreated:Put",
        responseElements={
            "x-amz-request-id": f"{request_prefix}{secrets.token_hex(8).upper()}",
            "x-amz-id-2": origin,
        },
        s3=S3Message(
            configurationId="co2calc-uploads",
            bucket=S3Bucket(name=bucket, arn=f"arn:aws:s3:::{bucket}"),
            object=S3Object(
                key=quote_plus(key, safe="/"),
                size=size,
                eTag=etag,
                sequencer=f"{int(now.timestamp() * 1e9):X}",
            ),
        ),
    )
