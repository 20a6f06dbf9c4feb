"""s3-notify function (cluster-local): object-store webhooks → CloudEvents on the Broker.

Accepts SeaweedFS filer webhooks (one JSON per created entry) and S3-shaped
notifications (``{"Records": [...]}``, as MinIO and Ceph RGW send them). Each
created object under ``uploads/`` becomes one binary-mode CloudEvent following
the CloudEvents AWS S3 adapter (type ``com.amazonaws.s3.ObjectCreated:Put``,
source ``aws:s3.<region>.<bucket>``, subject = the key, data = the S3
notification record). Directories, system entries, updates, deletions and
other prefixes are acknowledged and ignored. A Broker failure answers 502, so
the store retries.
"""

from __future__ import annotations

import json
import logging

from pydantic import ValidationError

from co2calc.events_s3 import (
    S3EventRecord,
    S3Notification,
    SeaweedWebhook,
    cloudevent_attributes,
    record_from_seaweed,
)
from co2calc.http import Api, RequestContext, Router
from co2calc.http.errors import BadRequest, ServiceError
from co2calc.obs import log_event

__all__ = ["api", "publish_record", "records_from_webhook", "router"]

router = Router(tags=("s3-notify",))
WATCHED_PREFIXES = ("uploads/",)


class BrokerUnavailable(ServiceError):
    status, slug, title = 502, "broker-unavailable", "Event broker unavailable"


def records_from_webhook(body: bytes, region: str) -> list[S3EventRecord]:
    """The object-created records of one webhook body (raises BadRequest if malformed)."""
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise BadRequest("The body is not JSON.") from None
    try:
        if isinstance(payload, dict) and "Records" in payload:
            records = S3Notification.model_validate(payload).Records
            records = [r for r in records if r.created_object is not None]
        else:
            record = record_from_seaweed(SeaweedWebhook.model_validate(payload), region=region)
            records = [record] if record is not None else []
    except ValidationError as exc:
        raise BadRequest(
            f"Not an object-store notification ({exc.error_count()} errors)."
        ) from None
    return [r for r in records if r.s3.object.object_key.startswith(WATCHED_PREFIXES)]


def publish_record(record: S3EventRecord, timeout_s: float = 5.0) -> str | None:
    """Send one record as a binary-mode CloudEvent to the Broker (K_SINK); returns its id."""
    import httpx

    from co2calc.events import broker_url

    attrs = cloudevent_attributes(record)
    url = broker_url()
    if url is None:
        log_event("s3 event not published: no broker configured", logging.WARNING, **attrs)
        return None
    headers = {f"ce-{k}": v for k, v in attrs.items() if k != "datacontenttype"}
    headers |= {"ce-specversion": "1.0", "content-type": "application/json"}
    try:
        r = httpx.post(
            url,
            content=record.model_dump_json(exclude_none=True),
            headers=headers,
            timeout=timeout_s,
        )
        r.raise_for_status()
    except httpx.HTTPError as exc:
        raise BrokerUnavailable(f"The Broker did not accept the event: {exc}") from None
    return attrs["id"]


@router.post("/", access="public", csrf=False, status=202)
def notify(ctx: RequestContext) -> dict:
    """Receive one webhook notification from the object store (cluster-local)."""
    from co2calc.settings import get_settings

    records = records_from_webhook(ctx.request.get_data(), get_settings().s3_region)
    ids = [publish_record(r) for r in records]
    for r, event_id in zip(records, ids, strict=True):
        log_event("s3 object created", key=r.s3.object.object_key, event_id=event_id)
    return {"published": [i for i in ids if i], "ignored": not records}


api = Api("s3-notify", "/api/s3-notify", router)
