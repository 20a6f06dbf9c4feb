"""The import stack: gateway (+ /s3 and /_notify/s3 mounts), SeaweedFS with its filer
webhook pointing at the gateway, and the dev event bus delivering to ``ingest``.

Its own SeaweedFS (the session ``s3`` store has no webhook): base port
``CO2CALC_TEST_S3_NOTIFY_BASE`` (default 25333), data under ``.data/test/s3-notify``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from co2calc.dev.stack import LocalStack

ROOT = Path(__file__).resolve().parents[3]
BASE = int(os.environ.get("CO2CALC_TEST_S3_NOTIFY_BASE", "25333"))
EVENTS = ROOT / "tests" / "events"


def _load_event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def load_event():
    """``load_event(name)`` → a recorded payload from tests/events/ (a fresh dict)."""
    return _load_event


@pytest.fixture(scope="session")
def stack(function_stack) -> Iterator[LocalStack]:
    with function_stack("notify", BASE) as s:
        yield s


CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Uploader:
    """A signed-in person talking to the import gateway."""

    client: httpx.Client
    csrf: str

    def get(self, path: str, **kw) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.client.post(path, headers={"X-CSRF-Token": self.csrf}, **kw)

    def grant(self, **body) -> httpx.Response:
        return self.post("/api/uploads", json=body)

    def send(self, grant: dict, content: bytes, filename: str = "data.csv") -> httpx.Response:
        """The browser's part: POST the file to the same-origin presigned URL."""
        ctype = grant["fields"]["Content-Type"]
        return self.client.post(
            grant["url"], data=grant["fields"], files={"file": (filename, content, ctype)}
        )

    def upload(
        self,
        bus,
        content: bytes,
        *,
        year: int,
        unit_id: int | None,
        module: str = "travel",
        submodule: str = "plane",
        filename: str = "data.csv",
        **options,
    ) -> dict:
        """Grant, POST the file to the store (same origin), wait: the job's end state."""
        r = self.grant(
            year=year,
            unit_id=unit_id,
            module=module,
            submodule=submodule,
            filename=filename,
            content_type=CONTENT_TYPES[filename.rsplit(".", 1)[-1]],
            **options,
        )
        assert r.status_code == 201, r.text
        grant = r.json()
        assert grant["url"] == "/s3/co2calc-uploads"  # same origin
        sent = self.send(grant, content, filename)
        assert sent.status_code in (200, 204), sent.text
        return self.wait(grant["job"]["id"], bus)

    def wait(self, job_id: str, bus, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/api/uploads/jobs/{job_id}").json()
            if job["status"] in ("succeeded", "failed") and bus.wait_idle(timeout=1):
                return job
            dead = [d for d in bus.dead_letters if d.subscriber == "ingest"]
            assert not dead, f"ingest dead-lettered: {dead[-1].error} ({job})"
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} did not finish: {job}")


@pytest.fixture(scope="session")
def as_person(stack: LocalStack, sign_in):
    clients: list[httpx.Client] = []

    def make(person_id: str) -> Uploader:
        caller = sign_in(person_id)
        from co2calc.auth.sessions import SESSION_COOKIE

        client = httpx.Client(
            base_url=stack.url, headers={"Cookie": f"{SESSION_COOKIE}={caller.token}"}, timeout=60
        )
        clients.append(client)
        return Uploader(client, caller.csrf)

    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="session")
def unit_ids(pg, demo) -> dict[str, int]:
    from co2calc.db import transaction

    with transaction(all_units=True) as conn:
        rows = conn.execute("select id, code from org_unit").fetchall()
    return {r["code"]: r["id"] for r in rows}


def ensure_year(uploader: Uploader, year: int) -> int:
    """Create ``year`` (409 if it exists) with the shipped 2025 factors stored for it."""
    from co2calc.db import transaction
    from co2calc.factors import FactorSet, load_shipped_factor_set
    from co2calc.factorstore import store_factor_set

    r = uploader.post("/api/years", json={"year": year})
    assert r.status_code in (201, 409), r.text
    if r.status_code == 201:
        shipped = load_shipped_factor_set(2025)
        with transaction(all_units=True) as conn:
            store_factor_set(
                conn, FactorSet.of(f"test-{year}", year, shipped.gwp_set, shipped.factors)
            )
    return year


@pytest.fixture(scope="session")
def make_year(as_person):
    from co2calc.demo import DEMO_USERS

    return lambda year: ensure_year(as_person(DEMO_USERS[0].person_id), year)
