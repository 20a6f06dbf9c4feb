"""CloudEvents: typed payloads and publishing to the Broker.

Functions publish through ``publish``; the target is the Broker's ingress URL
(``K_SINK`` when a SinkBinding injects it, else ``CO2CALC_BROKER_URL``).
With neither set the event is logged and dropped (a function run alone).
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from typing import Any

from co2calc.obs import log_event

__all__ = ["broker_url", "publish"]

SOURCE = "/co2calc"


def broker_url() -> str | None:
    return os.environ.get("K_SINK") or os.environ.get("CO2CALC_BROKER_URL") or None


def publish(
    event_type: str, data: dict[str, Any], *, subject: str | None = None, timeout_s: float = 5.0
) -> str:
    """Send one binary-mode CloudEvent; returns its id. Raises on delivery failure."""
    import httpx  # lazy: most requests never publish

    event_id = str(uuid.uuid4())
    url = broker_url()
    if url is None:
        log_event(
            "event not published: no broker configured",
            logging.WARNING,
            event_type=event_type,
            event_id=event_id,
        )
        return event_id
    headers = {
        "ce-specversion": "1.0",
        "ce-id": event_id,
        "ce-type": event_type,
        "ce-source": SOURCE,
        "ce-time": datetime.now(UTC).isoformat(),
        "content-type": "application/json",
    }
    if subject:
        headers["ce-subject"] = subject
    response = httpx.post(url, json=data, headers=headers, timeout=timeout_s)
    response.raise_for_status()
    return event_id
