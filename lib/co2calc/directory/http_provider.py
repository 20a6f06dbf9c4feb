"""A generic JSON/HTTP directory provider.

``HttpProvider(url).fetch()`` GETs a JSON document in the shape of
``DirectorySnapshot`` (see docs/auth.md for mapping an Accred-like API onto
it), retrying transport errors and 5xx/429 answers with exponential backoff.
Anything else going wrong raises ``DirectoryUnavailable``: the caller changes
nothing, so a failing directory never deletes users or roles.

Apply what it returns with ``co2calc.directory.guarded_sync``, which refuses a
snapshot that would remove too many roles.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from pydantic import ValidationError

from co2calc.directory.model import DirectorySnapshot, DirectoryUnavailable
from co2calc.settings import get_settings

__all__ = ["HttpProvider"]

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_SNAPSHOT_BYTES = 200_000_000


class HttpProvider:
    def __init__(
        self,
        url: str,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        bearer_token: str | None = None,
        verify: bool | str = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        settings = get_settings()
        if not url:
            raise DirectoryUnavailable("CO2CALC_DIRECTORY_URL is not set")
        self.url = url
        self.timeout = settings.directory_timeout_s if timeout is None else timeout
        self.retries = settings.directory_retries if retries is None else retries
        self.backoff = settings.directory_backoff_s if backoff is None else backoff
        token = (
            settings.directory_bearer_token.get_secret_value()
            if bearer_token is None
            else bearer_token
        )
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.verify = verify
        self.sleep = sleep

    def fetch(self) -> DirectorySnapshot:
        last: str = "no attempt"
        with httpx.Client(timeout=self.timeout, verify=self.verify, headers=self.headers) as c:
            for attempt in range(self.retries + 1):
                if attempt:
                    self.sleep(self.backoff * 2 ** (attempt - 1))
                try:
                    r = c.get(self.url)
                except httpx.HTTPError as exc:
                    last = f"{type(exc).__name__}: {exc}"
                    continue
                if r.status_code in _RETRY_STATUS:
                    last = f"HTTP {r.status_code}"
                    continue
                if r.status_code != 200:
                    raise DirectoryUnavailable(f"directory answered HTTP {r.status_code}")
                if len(r.content) > MAX_SNAPSHOT_BYTES:
                    raise DirectoryUnavailable("directory snapshot is too large")
                try:
                    return DirectorySnapshot.model_validate_json(r.content)
                except ValidationError as exc:
                    raise DirectoryUnavailable(
                        f"directory snapshot is invalid: {exc.error_count()} errors"
                    ) from exc
        raise DirectoryUnavailable(
            f"directory unreachable after {self.retries + 1} attempts ({last})"
        )
