"""Session fixtures: real PostgreSQL, real SeaweedFS, the gateway over real HTTP.

A missing service fails the run; nothing is skipped. Data lives under
``.data/test`` (git-ignored); the database is recreated for every run.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".data" / "test"
PG_PORT = int(os.environ.get("CO2CALC_TEST_PG_PORT", "54339"))
S3_BASE = int(os.environ.get("CO2CALC_TEST_S3_BASE", "24333"))
S3_KEY, S3_SECRET = "co2calc-test", "co2calc-test-secret"  # throwaway local identity


def _reset_settings() -> None:
    from co2calc.db import close_pool
    from co2calc.settings import get_settings

    close_pool()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def pg() -> Iterator[str]:
    """A fresh, migrated database on the private test cluster; yields its URL.

    Each pytest process gets its own database (``co2calc_test_<pid>``), so
    concurrent runs share the cluster without disturbing each other.
    """
    from co2calc.dev.services import LocalPostgres
    from co2calc.migrate import migrate

    cluster = None
    if os.environ.get("CO2CALC_TEST_DATABASE_URL"):
        url = os.environ["CO2CALC_TEST_DATABASE_URL"]
    else:
        cluster = LocalPostgres(DATA / "pg", port=PG_PORT)
        cluster.start()
        url = cluster.ensure_database(f"co2calc_test_{os.getpid()}", fresh=True)
    os.environ["CO2CALC_DATABASE_URL"] = url
    _reset_settings()
    migrate(url)
    yield url
    _reset_settings()
    if cluster is not None:
        cluster.drop_database(f"co2calc_test_{os.getpid()}")
        if not cluster.databases_like("co2calc_test_%"):
            cluster.stop()


@pytest.fixture(scope="session")
def s3() -> Iterator[dict[str, str]]:
    """SeaweedFS with an S3 identity and the uploads bucket; yields client settings."""
    from co2calc.dev.services import LocalSeaweed

    store = LocalSeaweed(DATA / "s3", base=S3_BASE, access_key=S3_KEY, secret_key=S3_SECRET)
    store.start()
    os.environ.update(
        {
            "CO2CALC_S3_ENDPOINT_URL": store.endpoint,
            "CO2CALC_S3_ACCESS_KEY_ID": S3_KEY,
            "CO2CALC_S3_SECRET_ACCESS_KEY": S3_SECRET,
        }
    )
    _reset_settings()
    yield {
        "endpoint_url": store.endpoint,
        "aws_access_key_id": S3_KEY,
        "aws_secret_access_key": S3_SECRET,
        "region_name": "us-east-1",
    }
    store.stop()


@pytest.fixture(scope="session")
def demo(pg: str):
    """The demo org tree and people, applied through the directory sync."""
    from co2calc.demo import demo_directory
    from co2calc.directory import sync

    snapshot = demo_directory()
    sync(snapshot)
    return snapshot


@pytest.fixture(scope="session")
def function_stack(pg: str, demo) -> Callable[[str, int], Any]:
    """``function_stack(name, s3_base)``: a context manager for the functions' whole stack
    (``co2calc.dev.stack.local_stack``: gateway, its own SeaweedFS with the filer webhook,
    the dev event bus) on the demo directory, with data under ``.data/test/s3-<name>``, a
    throwaway S3 identity and the bus retrying at once."""
    from co2calc.demo import demo_directory
    from co2calc.dev.stack import local_stack

    def make(name: str, s3_base: int) -> Any:
        return local_stack(
            DATA / f"s3-{name}",
            s3_base=s3_base,
            access_key=f"co2calc-{name}",
            secret_key=f"co2calc-{name}-secret",
            directory=demo_directory(),
            bus_backoff_scale=0.001,
        )

    return make


@pytest.fixture(scope="session")
def year_report(demo) -> Callable[..., dict]:
    """``year_report(year, unit_code="ENAC-CLIM-LAB1")``: the year created with the shipped
    2025 factors stored as its set (version ``<year>.t1``); the unit's report (id, unit_id,
    year, status)."""
    from co2calc.db import transaction
    from co2calc.db import years as years_sql
    from co2calc.factors import FactorSet, load_shipped_factor_set
    from co2calc.factorstore import store_factor_set
    from co2calc.modules import MODULES

    def make(year: int, unit_code: str = "ENAC-CLIM-LAB1") -> dict:
        shipped = load_shipped_factor_set(2025)
        with transaction(all_units=True) as conn:
            years_sql.create_year(conn, year, None, MODULES)
            store_factor_set(
                conn,
                FactorSet.of(f"{year}.t1", year, shipped.gwp_set, shipped.factors),
                source_name="test",
            )
            return conn.execute(
                "select r.id, r.unit_id, r.year, r.status from report r join org_unit u"
                " on u.id = r.unit_id where u.code = %s and r.year = %s",
                (unit_code, year),
            ).fetchone()

    return make


@pytest.fixture(scope="session")
def year_held(pg: str) -> Callable[[int], contextlib.AbstractContextManager[None]]:
    """``with year_held(year):`` another recalculation runner holds the year's lock (its
    own connection, in a thread) for the duration of the block."""
    from co2calc.db import connection
    from co2calc.db import recalc as sql

    @contextlib.contextmanager
    def hold(year: int) -> Iterator[None]:
        ready, release = threading.Event(), threading.Event()

        def holder() -> None:
            with connection() as conn:
                with conn.transaction():
                    assert sql.try_lock_year(conn, year)
                ready.set()
                release.wait(30)
                with conn.transaction():
                    sql.unlock_year(conn, year)

        t = threading.Thread(target=holder)
        t.start()
        assert ready.wait(10)
        try:
            yield
        finally:
            release.set()
            t.join()

    return hold


@pytest.fixture(scope="session")
def gateway(pg: str) -> Iterator[str]:
    """Every function behind the dev gateway on an ephemeral port; yields its base URL."""
    from co2calc.dev.gateway import Gateway, serve_in_thread

    server, _ = serve_in_thread(Gateway())
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()


@dataclass
class Caller:
    """An HTTP client signed in as one person (session created in the database)."""

    client: httpx.Client
    user_id: int
    csrf: str
    token: str  # the session cookie's value (for the browser tests)

    def request(self, method: str, path: str, **kw) -> httpx.Response:
        headers = kw.pop("headers", {})
        if method.upper() in ("POST", "PUT", "DELETE"):
            headers.setdefault("X-CSRF-Token", self.csrf)
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, **kw) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw) -> httpx.Response:
        return self.request("DELETE", path, **kw)


@pytest.fixture(scope="session")
def sign_in(gateway: str, demo) -> Iterator[Callable[[str], Caller]]:
    """``sign_in(person_id)`` → a Caller with a server-side session for that person.

    Sessions are created by the same code the OIDC callback uses; the OIDC
    round trip itself is tested in tests/integration/auth.
    """
    from co2calc.auth.sessions import SESSION_COOKIE, start_session
    from co2calc.db import sessions as sql
    from co2calc.db import transaction

    clients: list[httpx.Client] = []

    def make(person_id: str) -> Caller:
        with transaction(all_units=True) as conn:
            row = conn.execute(
                "select id from app_user where person_id = %s", (person_id,)
            ).fetchone()  # signed in through the issuer before: reuse that account
            user_id = (
                row["id"]
                if row
                else sql.upsert_user(
                    conn, "test-tenant", f"oid-{person_id}", f"Person {person_id}", None, person_id
                )
            )
            token, csrf = start_session(conn, user_id)
        client = httpx.Client(
            base_url=gateway, headers={"Cookie": f"{SESSION_COOKIE}={token}"}, timeout=30
        )
        clients.append(client)
        return Caller(client, user_id, csrf, token)

    yield make
    for c in clients:
        c.close()
