"""The ingest function's boundary: a CloudEvent → typed objects → one import each."""

from __future__ import annotations

from typing import Any

from co2calc.events_s3 import EventParseError, objects_from_cloudevent
from co2calc.obs import log_event

__all__ = ["handle_cloudevent"]


def handle_cloudevent(ce_type: str, data: Any) -> list[str]:
    """Import every object the event announces; returns the outcomes' statuses.

    A malformed event is logged and acknowledged (redelivering it cannot help).
    """
    from co2calc.ingest.run import ingest_object

    try:
        objects = objects_from_cloudevent(ce_type, data)
    except EventParseError as exc:
        log_event("ingest: malformed event ignored", type=ce_type, error=str(exc))
        return []
    return [ingest_object(obj).status for obj in objects]
