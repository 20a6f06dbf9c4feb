"""Structured JSON log lines and request ids.

Log records carry ids only (request, user, unit) — never tokens, cookies,
names or e-mail addresses.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import time
from typing import Any

__all__ = ["log_event", "new_request_id", "setup_logging"]

_logger = logging.getLogger("co2calc")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
        }
        body.update(getattr(record, "fields", {}))
        if record.exc_info:
            body["exc"] = self.formatException(record.exc_info)
        return json.dumps(body, default=str)


def setup_logging(level: str | None = None) -> None:
    if any(isinstance(h.formatter, _JsonFormatter) for h in _logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter())
    _logger.addHandler(handler)
    _logger.setLevel(level or os.environ.get("CO2CALC_LOG_LEVEL", "INFO").upper())
    _logger.propagate = False


def log_event(msg: str, level: int = logging.INFO, exc_info: bool = False, **fields: Any) -> None:
    setup_logging()
    _logger.log(level, msg, extra={"fields": fields}, exc_info=exc_info)


def new_request_id() -> str:
    return f"{int(time.time()):x}-{secrets.token_hex(6)}"
