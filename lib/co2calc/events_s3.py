"""Object-created events, typed at the boundary (style §4–5, §8).

Three carriers bring the same fact — "object K with ETag E landed in bucket B":

    SeaweedWebhook            the filer's webhook JSON (one per created entry,
                              directories and system entries included)
    S3EventRecord             one record of an S3 event notification (AWS shape);
                              the ``data`` of our CloudEvents (CloudEvents AWS S3
                              adapter conventions, type com.amazonaws.s3.ObjectCreated:Put)
    SqsMessage / S3Notification
                              what a Knative IntegrationSource (aws.sqs) emits: a
                              CloudEvent whose data is the SQS message body, i.e. an
                              S3 notification ``{"Records": [...]}`` (or ``s3:TestEvent``)

Each carrier is parsed once into :class:`ObjectCreated`; nothing below indexes raw
dicts. :attr:`S3Object.object_key` URL-decodes the key (S3 notifications encode
spaces as ``+``); SeaweedFS sends the raw key.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote_plus, unquote_plus

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "S3_OBJECT_CREATED_PUT",
    "SQS_SOURCE_TYPES",
    "EventParseError",
    "ObjectCreated",
    "S3EventRecord",
    "S3Notification",
    "SeaweedWebhook",
    "cloudevent_attributes",
    "objects_from_cloudevent",
    "record_from_seaweed",
]

S3_OBJECT_CREATED_PUT = "com.amazonaws.s3.ObjectCreated:Put"
# CloudEvent types of the IntegrationSource aws.sqs (the type changed between releases).
SQS_SOURCE_TYPES = frozenset(
    {
        "dev.knative.connector.event.aws-sqs",
        "dev.knative.eventing.aws-sqs",
        "dev.knative.eventing.aws.sqs",
    }
)


class EventParseError(ValueError):
    """The event is not one of the shapes above (a malformed event fails at the door)."""


class ObjectCreated(BaseModel):
    """The one shape ingestion works with."""

    model_config = ConfigDict(frozen=True)

    bucket: str
    key: str  # decoded
    etag: str  # hex md5 (multipart: "<hex>-<n>"), without quotes
    size: int | None = None


# --------------------------------------------------------------------------- SeaweedFS


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SeaweedAttributes(_Lenient):
    file_size: int = 0
    mime: str | None = None
    md5: str | None = None  # base64 of the md5 digest
    mtime: int | None = None


class SeaweedEntry(_Lenient):
    name: str
    is_directory: bool = False
    attributes: SeaweedAttributes = SeaweedAttributes()
    extended: dict[str, str] = Field(default_factory=dict)  # values base64

    @property
    def etag(self) -> str | None:
        raw = self.extended.get("Seaweed-X-Amz-ETag")
        try:
            if raw:
                return base64.b64decode(raw).decode().strip('"')
            if self.attributes.md5:
                return base64.b64decode(self.attributes.md5).hex()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return None


class SeaweedMessage(_Lenient):
    new_entry: SeaweedEntry | None = None
    old_entry: SeaweedEntry | None = None
    new_parent_path: str | None = None


class SeaweedWebhook(_Lenient):
    """One filer notification: ``key`` is the full filer path ``/buckets/<bucket>/<key>``."""

    event_type: Literal["create", "update", "delete", "rename"] | str
    key: str
    message: SeaweedMessage

    @property
    def created_object(self) -> ObjectCreated | None:
        """The S3 object this creates, or None (directory, system entry, delete, no ETag)."""
        entry = self.message.new_entry
        if self.event_type != "create" or entry is None or entry.is_directory:
            return None
        parts = self.key.split("/", 3)  # "", "buckets", bucket, key
        if len(parts) < 4 or parts[1] != "buckets" or parts[2].startswith(".") or not parts[3]:
            return None
        etag = entry.etag
        if etag is None:
            return None
        return ObjectCreated(
            bucket=parts[2], key=parts[3], etag=etag, size=entry.attributes.file_size
        )


# --------------------------------------------------------------------------- AWS S3 shape


class S3Bucket(_Lenient):
    name: str
    arn: str | None = None


class S3Object(_Lenient):
    key: str  # URL-encoded as S3 sends it
    size: int | None = None
    eTag: str | None = None  # absent on deletions
    sequencer: str | None = None

    @property
    def object_key(self) -> str:
        return unquote_plus(self.key)


class S3Message(_Lenient):
    s3SchemaVersion: str = "1.0"
    configurationId: str | None = None
    bucket: S3Bucket
    object: S3Object


class S3EventRecord(_Lenient):
    eventVersion: str = "2.1"
    eventSource: Literal["aws:s3"] = "aws:s3"
    awsRegion: str = "us-east-1"
    eventTime: datetime
    eventName: str
    responseElements: dict[str, str] = Field(default_factory=dict)
    s3: S3Message

    @property
    def created_object(self) -> ObjectCreated | None:
        if not self.eventName.startswith("ObjectCreated:") or not self.s3.object.eTag:
            return None
        return ObjectCreated(
            bucket=self.s3.bucket.name,
            key=self.s3.object.object_key,
            etag=self.s3.object.eTag.strip('"'),
            size=self.s3.object.size,
        )


class S3Notification(_Lenient):
    Records: list[S3EventRecord] = Field(default_factory=list)
    Event: str | None = None  # "s3:TestEvent" when a notification is configured


def record_from_seaweed(hook: SeaweedWebhook, *, region: str = "us-east-1") -> S3EventRecord | None:
    """The S3 notification record of a filer webhook (None when it creates no object)."""
    obj = hook.created_object
    if obj is None:
        return None
    entry = hook.message.new_entry
    assert entry is not None
    mtime = entry.attributes.mtime
    when = datetime.fromtimestamp(mtime, UTC) if mtime else datetime.now(UTC)
    request_id = f"{obj.etag[:16]}{int(when.timestamp()):x}".upper()
    return S3EventRecord(
        awsRegion=region,
        eventTime=when,
        eventName="ObjectCreated:Put",
        responseElements={"x-amz-request-id": request_id, "x-amz-id-2": "seaweedfs"},
        s3=S3Message(
            configurationId="co2calc-uploads",
            bucket=S3Bucket(name=obj.bucket, arn=f"arn:aws:s3:::{obj.bucket}"),
            object=S3Object(
                key=quote_plus(obj.key, safe="/"),
                size=obj.size,
                eTag=obj.etag,
                sequencer=f"{int(when.timestamp() * 1e9):X}",
            ),
        ),
    )


def cloudevent_attributes(record: S3EventRecord) -> dict[str, str]:
    """CloudEvent attributes per the CloudEvents AWS S3 adapter."""
    re_ = record.responseElements
    return {
        "id": f"{re_.get('x-amz-request-id', '')}.{re_.get('x-amz-id-2', '')}",
        "source": f"{record.eventSource}.{record.awsRegion}.{record.s3.bucket.name}",
        "type": f"com.amazonaws.s3.{record.eventName}",
        "subject": record.s3.object.key,
        "time": record.eventTime.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "dataschema": record.s3.s3SchemaVersion,
        "datacontenttype": "application/json",
    }


def _json_data(data: Any) -> Any:
    import json

    if isinstance(data, bytes | bytearray):
        data = data.decode("utf-8")
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError as exc:
            raise EventParseError(f"event data is not JSON: {exc}") from None
    return data


def objects_from_cloudevent(ce_type: str, data: Any) -> list[ObjectCreated]:
    """Objects created according to one CloudEvent (S3 adapter or SQS envelope)."""
    data = _json_data(data)
    try:
        if ce_type.startswith("com.amazonaws.s3."):
            record = S3EventRecord.model_validate(data)
            return [o for o in [record.created_object] if o is not None]
        if ce_type in SQS_SOURCE_TYPES:
            if isinstance(data, dict) and "Body" in data and "Records" not in data:
                data = _json_data(data["Body"])  # a full SQS message instead of its body
            note = S3Notification.model_validate(data)
            return [o for o in (r.created_object for r in note.Records) if o is not None]
    except ValidationError as exc:
        raise EventParseError(f"malformed {ce_type} event: {exc.error_count()} error(s)") from None
    raise EventParseError(f"unexpected event type {ce_type!r}")
